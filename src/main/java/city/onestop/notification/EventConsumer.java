package city.onestop.notification;

import city.onestop.platform.OutboxConsumer;
import java.util.UUID;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;

/** An {@link OutboxConsumer} made of a name, an event type and a function. */
record EventConsumer<E>(String name, Class<E> eventType, BiFunction<UUID, E, Mono<Void>> handler) implements OutboxConsumer<E> {

    @Override
    public Mono<Void> consume(UUID eventId, E event) {
        return handler.apply(eventId, event);
    }
}
