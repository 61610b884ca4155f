package city.onestop.notification;

import java.util.UUID;
import reactor.core.publisher.Mono;

/** Stores a notification for a citizen. The dedup key makes a repeated notify (a redelivered event) a no-op. */
public interface Notifications {

    /** Emits true when stored, false when a notification with this dedup key already existed. */
    Mono<Boolean> notify(UUID citizenId, String type, String title, String body, String dedupKey);

    /** How many of the citizen's notifications are unread. */
    Mono<Long> countUnread(UUID citizenId);
}
