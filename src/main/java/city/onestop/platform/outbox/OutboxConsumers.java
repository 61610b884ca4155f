package city.onestop.platform.outbox;

import city.onestop.platform.OutboxConsumer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The consumers of this instance, by name and by event type name. Names must be unique, and two event classes may
 * not share a simple name (the type name stored with each event).
 */
@Component
class OutboxConsumers {

    private final Map<String, OutboxConsumer<?>> byName = new HashMap<>();
    private final Map<String, List<String>> namesByType = new HashMap<>();
    private final Map<String, Class<?>> classByType = new HashMap<>();

    OutboxConsumers(List<OutboxConsumer<?>> consumers) {
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
    }

    static String typeName(Class<?> type) {
        return type.getSimpleName();
    }

    /** The consumers an event of this type is delivered to. */
    List<String> namesFor(String type) {
        return namesByType.getOrDefault(type, List.of());
    }

    Optional<OutboxConsumer<?>> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    String[] allNames() {
        return byName.keySet().stream().sorted().toArray(String[]::new);
    }
}
