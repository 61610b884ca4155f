package city.onestop.platform.outbox;

import city.onestop.platform.Outbox;
import city.onestop.platform.RequestIds;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link Outbox} on {@code outbox_events} and {@code outbox_deliveries}: the event and one delivery per consumer of
 * its type are inserted on the caller's transaction's connection, and the relays are nudged after the commit.
 */
@Component
class TransactionalOutbox implements Outbox {

    private final DatabaseClient db;
    private final OutboxConsumers consumers;
    private final OutboxNudges nudges;
    private final JsonMapper json;
    private final MeterRegistry meters;

    TransactionalOutbox(DatabaseClient db, OutboxConsumers consumers, OutboxNudges nudges, OutboxJson json, MeterRegistry meters) {
        this.db = db;
        this.consumers = consumers;
        this.nudges = nudges;
        this.json = json.mapper();
        this.meters = meters;
    }

    @Override
    public Mono<Void> append(Object event) {
        return TransactionSynchronizationManager.forCurrentTransaction()
                .onErrorMap(NoTransactionException.class, e -> notInTransaction(event))
                .filter(sync -> sync.isSynchronizationActive() && sync.isActualTransactionActive())
                .switchIfEmpty(Mono.error(() -> notInTransaction(event)))
                .flatMap(sync -> Mono.deferContextual(ctx -> {
                    String type = OutboxConsumers.typeName(event.getClass());
                    List<String> targets = consumers.namesFor(type);
                    UUID id = UUID.randomUUID();
                    String payload = json.writeValueAsString(event);
                    var insert = db.sql("""
                                    WITH e AS (
                                        INSERT INTO outbox_events (id, type, payload, request_id)
                                        VALUES (:id, :type, CAST(:payload AS jsonb), :requestId))
                                    INSERT INTO outbox_deliveries (event_id, consumer)
                                    SELECT :id, c FROM unnest(CAST(:consumers AS text[])) AS c""")
                            .bind("id", id)
                            .bind("type", type)
                            .bind("payload", payload)
                            .bind("consumers", targets.toArray(String[]::new));
                    String requestId = ctx.getOrDefault(RequestIds.CONTEXT_KEY, null);
                    insert = requestId == null ? insert.bindNull("requestId", String.class) : insert.bind("requestId", requestId);
                    return insert.then().then(Mono.fromRunnable(() -> {
                        meters.counter("onestop.outbox.appended", "type", type).increment();
                        sync.registerSynchronization(new TransactionSynchronization() {
                            @Override
                            public Mono<Void> afterCommit() {
                                return nudges.nudge();
                            }
                        });
                    }));
                }))
                .then();
    }

    private static IllegalStateException notInTransaction(Object event) {
        return new IllegalStateException("Outbox.append(" + event.getClass().getSimpleName()
                + ") must run inside the action's transaction (TransactionalOperator or @Transactional)");
    }
}
