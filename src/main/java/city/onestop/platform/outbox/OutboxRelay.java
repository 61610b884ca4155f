package city.onestop.platform.outbox;

import city.onestop.platform.OutboxConsumer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers outbox events to their consumers, at least once. Every instance runs a relay; each claims a batch of due
 * deliveries with {@code FOR UPDATE SKIP LOCKED}, so instances never claim the same delivery at once. A claim is a
 * lease ({@code next_attempt_at} moves to now + lease, committed before the consumer runs): a relay that dies or is
 * stopped mid-batch leaves its deliveries to be claimed again when the lease runs out, which is why consumers must
 * be idempotent by event id. A failed delivery is retried with doubling backoff and parked after
 * {@code max-attempts}. The relay wakes on a nudge (after a commit, any instance) and on a short poll.
 */
@Component
class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** "outboxgc" in ASCII: one cleanup at a time across instances. */
    static final long CLEANUP_LOCK = 0x6F7574626F786763L;

    record Claimed(UUID eventId, String consumer, int attempts, String type, String payload, OffsetDateTime createdAt) {}

    private final DatabaseClient db;
    private final OutboxConsumers consumers;
    private final OutboxNudges nudges;
    private final OutboxSettings settings;
    private final JsonMapper json;
    private final MeterRegistry meters;
    private final String instance;
    private final AtomicLong lastBatch = new AtomicLong();
    private volatile Disposable loop;

    OutboxRelay(DatabaseClient db, OutboxConsumers consumers, OutboxNudges nudges, OutboxSettings settings, OutboxJson json,
            MeterRegistry meters) {
        this.db = db;
        this.consumers = consumers;
        this.nudges = nudges;
        this.settings = settings;
        this.json = json.mapper();
        this.meters = meters;
        this.instance = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        meters.gauge("onestop.outbox.last.batch", lastBatch);
    }

    /** Claims one batch of due deliveries and runs them; emits how many were claimed. */
    Mono<Integer> relayOnce() {
        // The whole claim is read (and so committed) before the first consumer runs.
        return claim().collectList()
                .flatMap(batch -> Flux.fromIterable(batch).flatMap(this::deliver, settings.concurrency()).then(Mono.just(batch.size())));
    }

    /** Relays batches until one comes back short of a full batch. */
    Mono<Long> drain() {
        return relayOnce()
                .expand(n -> n >= settings.batchSize() ? relayOnce() : Mono.empty())
                .reduce(0L, Long::sum)
                .doOnNext(lastBatch::set);
    }

    private Flux<Claimed> claim() {
        String[] names = consumers.allNames();
        if (names.length == 0) return Flux.empty();
        // One statement, so one implicit transaction: the claim commits before any consumer runs.
        return db.sql("""
                        UPDATE outbox_deliveries d
                        SET attempts = d.attempts + 1,
                            next_attempt_at = clock_timestamp() + CAST(:lease AS interval),
                            claimed_by = :instance
                        FROM (SELECT event_id, consumer FROM outbox_deliveries
                              WHERE status = 'PENDING' AND next_attempt_at <= clock_timestamp()
                                AND consumer = ANY(CAST(:names AS text[]))
                              ORDER BY next_attempt_at
                              LIMIT :batch
                              FOR UPDATE SKIP LOCKED) due, outbox_events e
                        WHERE d.event_id = due.event_id AND d.consumer = due.consumer AND e.id = d.event_id
                        RETURNING d.event_id, d.consumer, d.attempts, e.type, CAST(e.payload AS text) AS payload, e.created_at""")
                .bind("lease", settings.lease().toMillis() + " milliseconds")
                .bind("instance", instance)
                .bind("names", names)
                .bind("batch", settings.batchSize())
                .map(r -> new Claimed(r.get("event_id", UUID.class), r.get("consumer", String.class), r.get("attempts", Integer.class),
                        r.get("type", String.class), r.get("payload", String.class), r.get("created_at", OffsetDateTime.class)))
                .all();
    }

    private Mono<Void> deliver(Claimed c) {
        return Mono.defer(() -> {
                    OutboxConsumer<?> consumer = consumers.find(c.consumer())
                            .orElseThrow(() -> new IllegalStateException("No consumer " + c.consumer()));
                    return consume(consumer, c);
                })
                .timeout(settings.consumeTimeout())
                .then(Mono.defer(() -> done(c)))
                .onErrorResume(e -> failed(c, e));
    }

    private <E> Mono<Void> consume(OutboxConsumer<E> consumer, Claimed c) {
        E event = json.readValue(c.payload(), consumer.eventType());
        return consumer.consume(c.eventId(), event).checkpoint("outbox consumer " + c.consumer());
    }

    private Mono<Void> done(Claimed c) {
        return db.sql("UPDATE outbox_deliveries SET status = 'DONE', delivered_at = clock_timestamp(), last_error = NULL, "
                        + "claimed_by = NULL WHERE event_id = :e AND consumer = :c AND status = 'PENDING'")
                .bind("e", c.eventId())
                .bind("c", c.consumer())
                .then()
                .doOnSuccess(x -> {
                    meters.counter("onestop.outbox.deliveries", "consumer", c.consumer(), "outcome", "delivered").increment();
                    Timer.builder("onestop.outbox.delivery.lag").tag("consumer", c.consumer())
                            .description("From the event's commit (roughly its insert) to its consumer's success")
                            .register(meters)
                            .record(Duration.between(c.createdAt().toInstant(), java.time.Instant.now()));
                });
    }

    private Mono<Void> failed(Claimed c, Throwable e) {
        boolean park = c.attempts() >= settings.maxAttempts();
        String error = String.valueOf(e);
        if (error.length() > 500) error = error.substring(0, 500);
        if (park) {
            log.error("Outbox delivery of event {} ({}) to {} parked after {} attempts", c.eventId(), c.type(), c.consumer(),
                    c.attempts(), e);
        } else {
            log.warn("Outbox delivery of event {} ({}) to {} failed (attempt {}), retrying: {}", c.eventId(), c.type(), c.consumer(),
                    c.attempts(), e.toString());
        }
        return db.sql("UPDATE outbox_deliveries SET status = :status, last_error = :error, claimed_by = NULL, "
                        + "next_attempt_at = clock_timestamp() + CAST(:backoff AS interval) "
                        + "WHERE event_id = :e AND consumer = :c AND status = 'PENDING'")
                .bind("status", park ? "PARKED" : "PENDING")
                .bind("error", error)
                .bind("backoff", settings.backoff(c.attempts()).toMillis() + " milliseconds")
                .bind("e", c.eventId())
                .bind("c", c.consumer())
                .then()
                .doOnSuccess(x -> meters.counter("onestop.outbox.deliveries", "consumer", c.consumer(), "outcome",
                        park ? "parked" : "retried").increment())
                .onErrorResume(dbError -> {
                    // The lease stays: the delivery comes due again when it runs out.
                    log.warn("Could not record the failed delivery of event {} to {}: {}", c.eventId(), c.consumer(), dbError.toString());
                    return Mono.empty();
                });
    }

    /** Deletes events older than the retention whose deliveries are all done (parked ones stay for an operator). */
    Mono<Long> cleanUp() {
        return db.sql("""
                        WITH lock AS (SELECT pg_try_advisory_xact_lock(:key) AS locked)
                        DELETE FROM outbox_events e USING lock
                        WHERE lock.locked AND e.created_at < clock_timestamp() - CAST(:retention AS interval)
                          AND NOT EXISTS (SELECT 1 FROM outbox_deliveries d WHERE d.event_id = e.id AND d.status <> 'DONE')""")
                .bind("key", CLEANUP_LOCK)
                .bind("retention", settings.retention().toSeconds() + " seconds")
                .fetch()
                .rowsUpdated();
    }

    @Scheduled(fixedDelayString = "${onestop.outbox.cleanup-interval:1h}", initialDelayString = "${onestop.outbox.cleanup-interval:1h}")
    void scheduledCleanUp() {
        cleanUp().subscribe(n -> {
            if (n > 0) log.info("Outbox: {} delivered events older than {} deleted", n, settings.retention());
        }, e -> log.warn("Outbox cleanup failed: {}", e.toString()));
    }

    @Override
    public synchronized void start() {
        if (!settings.relayEnabled() || loop != null) return;
        Flux<Boolean> triggers = Flux.merge(
                        nudges.nudges(),
                        Flux.interval(Duration.ZERO, settings.pollInterval()).map(t -> false))
                .onBackpressureLatest();
        loop = triggers.concatMap(t -> drain()
                                .onErrorResume(e -> {
                                    log.warn("Outbox relay pass failed: {}", e.toString());
                                    return Mono.empty();
                                }), 1)
                .subscribe(n -> {}, e -> log.error("Outbox relay stopped", e));
        log.info("Outbox relay {} started ({} consumers, poll every {})", instance, consumers.allNames().length, settings.pollInterval());
    }

    /** Stops claiming; deliveries in flight are cancelled and come due again when their lease runs out. */
    @Override
    public synchronized void stop() {
        Disposable l = loop;
        if (l != null) l.dispose();
        loop = null;
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }

    /** Late in startup, early in shutdown: after and before the database and Redis users it depends on. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }
}
