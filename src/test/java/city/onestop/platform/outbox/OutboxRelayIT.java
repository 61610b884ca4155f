package city.onestop.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import city.onestop.IntegrationTest;
import city.onestop.platform.Outbox;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The outbox on the real PostgreSQL: transactional append, at-least-once relay, retries, parking, concurrent claimers. */
@IntegrationTest
class OutboxRelayIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired Outbox outbox;
    @Autowired OutboxRelay relay;
    @Autowired DatabaseClient db;
    @Autowired ReactiveTransactionManager transactions;

    @BeforeAll
    static void effectsTable(@Autowired DatabaseClient db) {
        db.sql("CREATE TABLE IF NOT EXISTS outbox_probe_effects (consumer text, event_id uuid, run text, PRIMARY KEY (consumer, event_id))")
                .then().block(Duration.ofSeconds(30));
    }

    @AfterEach
    void relayRunsAgain() {
        relay.start();
    }

    private List<UUID> append(String run, int count, int failTimes, long holdMillis) {
        TransactionalOperator tx = TransactionalOperator.create(transactions);
        return Flux.range(0, count)
                .concatMap(i -> outbox.append(new OutboxProbe(run, i, failTimes, holdMillis, OffsetDateTime.of(2026, 11, 30, 8, 0, 0, 0,
                        ZoneOffset.ofHours(8)))))
                .then()
                .as(tx::transactional)
                .thenMany(db.sql("SELECT id FROM outbox_events WHERE type = 'OutboxProbe' AND payload->>'run' = :r ORDER BY seq")
                        .bind("r", run).map(r -> r.get("id", UUID.class)).all())
                .collectList()
                .block(WAIT);
    }

    private long count(String sql, String run) {
        return db.sql(sql).bind("r", run).map(r -> r.get(0, Long.class)).one().block(WAIT);
    }

    private long effects(String run) {
        return count("SELECT count(*) FROM outbox_probe_effects WHERE run = :r", run);
    }

    private long deliveries(String run, String status) {
        return count("SELECT count(*) FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_id "
                + "WHERE e.payload->>'run' = :r AND d.status = '" + status + "'", run);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Mono.delay(Duration.ofMillis(50)).block();
        }
    }

    @Test
    void deliversEachEventToEachConsumerExactlyOnceInEffectWhenTheRelayIsStoppedMidBatchAndRestarted() {
        relay.stop();
        String run = "stop-" + UUID.randomUUID();
        int n = 40;
        List<UUID> ids = append(run, n, 0, 700);
        assertThat(ids).hasSize(n);
        assertThat(deliveries(run, "PENDING")).isEqualTo(2L * n);
        int duplicatesBefore = ProbeConsumers.DUPLICATES.get();

        relay.start();
        await(() -> effects(run) >= 8, "a first part of the batch");
        relay.stop(); // mid-batch: deliveries in flight have written their effect but are not marked done
        long effectsAtStop = effects(run);
        long doneAtStop = deliveries(run, "DONE");
        assertThat(doneAtStop).isLessThan(effectsAtStop).isLessThan(2L * n);

        relay.start();
        await(() -> deliveries(run, "DONE") == 2L * n, "every delivery done after the restart");
        assertThat(effects(run)).isEqualTo(2L * n);
        for (UUID id : ids) {
            assertThat(count("SELECT count(*) FROM outbox_probe_effects WHERE event_id = '" + id + "' AND run = :r", run)).isEqualTo(2);
            assertThat(ProbeConsumers.calls("test.probe-a", id)).isBetween(1, 2);
            assertThat(ProbeConsumers.calls("test.probe-b", id)).isBetween(1, 2);
        }
        // Some deliveries really were made twice (their effect was written before the stop), and changed nothing.
        assertThat(ProbeConsumers.DUPLICATES.get() - duplicatesBefore).isPositive();
        assertThat(ProbeConsumers.RECEIVED.get(ids.get(0)).at()).isEqualTo(OffsetDateTime.of(2026, 11, 30, 8, 0, 0, 0,
                ZoneOffset.ofHours(8)));
        assertThat(ProbeConsumers.RECEIVED.get(ids.get(0)).at().getOffset()).isEqualTo(ZoneOffset.ofHours(8));
    }

    @Test
    void concurrentClaimersNeverDeliverTheSameEventTwice() {
        relay.stop();
        String run = "claimers-" + UUID.randomUUID();
        int n = 120;
        List<UUID> ids = append(run, n, 0, 0);
        // Six claimers at once, as six instances would, until nothing is left.
        await(() -> {
            Flux.range(0, 6).flatMap(i -> relay.drain(), 6).then().block(WAIT);
            return deliveries(run, "DONE") == 2L * n;
        }, "all deliveries");
        for (UUID id : ids) {
            assertThat(ProbeConsumers.calls("test.probe-a", id)).isEqualTo(1);
            assertThat(ProbeConsumers.calls("test.probe-b", id)).isEqualTo(1);
        }
        assertThat(effects(run)).isEqualTo(2L * n);
    }

    @Test
    void retriesAFailingDeliveryWithBackoffAndParksItAfterTheLimit() {
        String flaky = "flaky-" + UUID.randomUUID();
        String broken = "broken-" + UUID.randomUUID();
        UUID flakyId = append(flaky, 1, 2, 0).get(0);
        UUID brokenId = append(broken, 1, 1000, 0).get(0);

        await(() -> deliveries(flaky, "DONE") == 2, "the flaky event delivered on its third attempt");
        assertThat(ProbeConsumers.calls("test.probe-a", flakyId)).isEqualTo(3);
        assertThat(count("SELECT max(attempts) FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_id "
                + "WHERE e.payload->>'run' = :r", flaky)).isEqualTo(3);

        await(() -> deliveries(broken, "PARKED") == 2, "the broken event parked");
        assertThat(ProbeConsumers.calls("test.probe-a", brokenId)).isEqualTo(4); // onestop.outbox.max-attempts in tests
        assertThat(effects(broken)).isZero();
        String error = db.sql("SELECT last_error FROM outbox_deliveries WHERE event_id = :e AND consumer = 'test.probe-a'")
                .bind("e", brokenId).map(r -> r.get(0, String.class)).one().block(WAIT);
        assertThat(error).contains("probe failure 4");
    }

    @Test
    void appendsOnlyWithTheActionsTransaction() {
        assertThatThrownBy(() -> outbox.append(new OutboxProbe("no-tx", 0, 0, 0, OffsetDateTime.now())).block(WAIT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside the action's transaction");

        String run = "rolled-back-" + UUID.randomUUID();
        TransactionalOperator tx = TransactionalOperator.create(transactions);
        assertThatThrownBy(() -> outbox.append(new OutboxProbe(run, 0, 0, 0, OffsetDateTime.now()))
                        .then(Mono.error(new IllegalArgumentException("the action failed")))
                        .as(tx::transactional)
                        .block(WAIT))
                .hasMessageContaining("the action failed");
        assertThat(count("SELECT count(*) FROM outbox_events WHERE payload->>'run' = :r", run)).isZero();
    }
}
