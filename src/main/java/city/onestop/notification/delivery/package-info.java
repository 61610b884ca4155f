/** Delivery channels beyond the inbox: a citizen's Web Push devices and SMS, with preferences and quiet hours. */
@org.jspecify.annotations.NullMarked
package city.onestop.notification.delivery;
