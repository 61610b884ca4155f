/** Trip watches: a citizen watches a trip at a stop and is notified when the bus is two stops away. */
package city.onestop.notification.watch;
