package city.onestop.notification.delivery;

import city.onestop.notification.NotificationStored;
import reactor.core.publisher.Mono;

/** The SMS channel, present when an {@code SmsSender} is. */
interface SmsDelivery {

    /** Emits true when nothing is left to do (sent, skipped, refused), false when a retry later may still send it. */
    Mono<Boolean> send(NotificationStored n, Preferences prefs, boolean quiet);
}
