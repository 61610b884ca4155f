/** A minimal notification inbox: stored messages for a citizen, listed and marked read; fed by other modules' events. */
@org.jspecify.annotations.NullMarked
package city.onestop.notification;
