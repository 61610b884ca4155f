package city.onestop.platform.outbox;

import city.onestop.platform.OutboxConsumer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The consumers of this instance, by name and by event type name. Names must be unique, and two event classes may
 * not share a simple name (the type name stored with each event).
 */
@Component
class OutboxConsumers {

    /*
     * The consumers are looked up on first use, not in the constructor: a consumer may itself append to the outbox
     * (a stored notification appends NotificationStored), which would make constructor injection a cycle.
     */
    private final ObjectProvider<OutboxConsumer<?>> provider;
    private volatile Index index;

    private record Index(Map<String, OutboxConsumer<?>> byName, Map<String, List<String>> namesByType) {}

    OutboxConsumers(ObjectProvider<OutboxConsumer<?>> provider) {
        this.provider = provider;
    }

    /** Builds (and so validates) the index once the context is up, so a naming clash still fails the start. */
    @EventListener(ContextRefreshedEvent.class)
    void onRefreshed() {
        index();
    }

    private Index index() {
        Index i = index;
        if (i == null) {
            // Building twice in a race gives equal results; no lock on an event loop.
            i = build(provider.orderedStream().toList());
            index = i;
        }
        return i;
    }

    private static Index build(List<OutboxConsumer<?>> consumers) {
        Map<String, OutboxConsumer<?>> byName = new HashMap<>();
        Map<String, List<String>> namesByType = new HashMap<>();
        Map<String, Class<?>> classByType = new HashMap<>();
        for (OutboxConsumer<?> c : consumers) {
            if (byName.putIfAbsent(c.name(), c) != null) {
                throw new IllegalStateException("Two outbox consumers are named " + c.name());
            }
            String type = typeName(c.eventType());
            Class<?> known = classByType.putIfAbsent(type, c.eventType());
            if (known != null && known != c.eventType()) {
                throw new IllegalStateException("Outbox event types " + known.getName() + " and " + c.eventType().getName()
                        + " share the type name " + type);
            }
        }
        consumers.forEach(c -> namesByType.computeIfAbsent(typeName(c.eventType()), t -> new java.util.ArrayList<>()).add(c.name()));
        namesByType.replaceAll((t, names) -> List.copyOf(names.stream().sorted().toList()));
        return new Index(Map.copyOf(byName), Map.copyOf(namesByType));
    }

    static String typeName(Class<?> type) {
        return type.getSimpleName();
    }

    /** The consumers an event of this type is delivered to. */
    List<String> namesFor(String type) {
        return index().namesByType().getOrDefault(type, List.of());
    }

    Optional<OutboxConsumer<?>> find(String name) {
        return Optional.ofNullable(index().byName().get(name));
    }

    String[] allNames() {
        return index().byName().keySet().stream().sorted().toArray(String[]::new);
    }
}
