package city.onestop.platform.outbox;

import city.onestop.platform.OutboxConsumer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * Test-only: two consumers of {@link OutboxProbe}, written the way a real consumer must be: the effect is a row
 * keyed by (consumer, event id), inserted with ON CONFLICT DO NOTHING, so a redelivery changes nothing. They count
 * calls and suppressed duplicates so a test can tell that redeliveries happened.
 */
@Configuration(proxyBeanMethods = false)
class ProbeConsumers {

    static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
    static final AtomicInteger DUPLICATES = new AtomicInteger();
    static final Map<UUID, OutboxProbe> RECEIVED = new ConcurrentHashMap<>();

    static int calls(String consumer, UUID eventId) {
        AtomicInteger n = CALLS.get(consumer + "/" + eventId);
        return n == null ? 0 : n.get();
    }

    @Bean
    OutboxConsumer<OutboxProbe> probeA(DatabaseClient db) {
        return new Probe("test.probe-a", db);
    }

    @Bean
    OutboxConsumer<OutboxProbe> probeB(DatabaseClient db) {
        return new Probe("test.probe-b", db);
    }

    record Probe(String name, DatabaseClient db) implements OutboxConsumer<OutboxProbe> {

        @Override
        public Class<OutboxProbe> eventType() {
            return OutboxProbe.class;
        }

        @Override
        public Mono<Void> consume(UUID eventId, OutboxProbe event) {
            return Mono.defer(() -> {
                int call = CALLS.computeIfAbsent(name + "/" + eventId, k -> new AtomicInteger()).incrementAndGet();
                RECEIVED.put(eventId, event);
                if (call <= event.failTimes()) {
                    return Mono.error(new IllegalStateException("probe failure " + call + " of " + event.failTimes()));
                }
                return db.sql("INSERT INTO outbox_probe_effects (consumer, event_id, run) VALUES (:c, :e, :r) ON CONFLICT DO NOTHING")
                        .bind("c", name)
                        .bind("e", eventId)
                        .bind("r", event.run())
                        .fetch()
                        .rowsUpdated()
                        .doOnNext(n -> {
                            if (n == 0) DUPLICATES.incrementAndGet();
                        })
                        .then(event.holdMillis() > 0 ? Mono.delay(Duration.ofMillis(event.holdMillis())).then() : Mono.empty());
            });
        }
    }
}
