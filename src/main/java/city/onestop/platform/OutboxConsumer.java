package city.onestop.platform;

import java.util.UUID;
import reactor.core.publisher.Mono;

/** A Spring bean receiving one event type from the {@link Outbox}; one bean per (consumer, event type). */
public interface OutboxConsumer<E> {

    /** Stable and unique, e.g. {@code notification.payment-succeeded}: deliveries are tracked under this name. */
    String name();

    Class<E> eventType();

    /**
     * Called at least once per event after commit, by the relay on one leader (or SKIP LOCKED claimers); must be
     * idempotent by eventId. An error is retried with backoff, up to a limit, then parked.
     */
    Mono<Void> consume(UUID eventId, E event);
}
