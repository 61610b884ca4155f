package city.onestop.platform;

import reactor.core.publisher.Mono;

/**
 * The transactional outbox: events that must not be lost are written with the action that caused them and
 * delivered to every {@link OutboxConsumer} of their type after the commit, at least once.
 */
public interface Outbox {

    /**
     * Writes the event in the caller's current reactive transaction (it joins it; it must be called inside the
     * TransactionalOperator/@Transactional scope of the action). The event is a public record of a module's root
     * package, serialized as JSON with Jackson; its type name is the record's simple class name.
     */
    Mono<Void> append(Object event);
}
