package city.onestop.billing.payment;

import city.onestop.billing.payment.PaymentTransitions.Outcome;
import city.onestop.billing.provider.PaymentProvider;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Asks the provider about open payments (PENDING, UNKNOWN, and CREATED ones whose request died) on an
 * exponential backoff schedule. A payment is claimed with a conditional UPDATE of {@code reconciling_until}
 * (rows picked with {@code FOR UPDATE SKIP LOCKED}), so only one instance looks at it at a time; the result
 * goes through {@link PaymentTransitions}, like the live path.
 */
@Component
public class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final DatabaseClient db;
    private final PaymentProvider provider;
    private final PaymentTransitions transitions;
    private final ReconcilerSettings settings;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();

    Reconciler(DatabaseClient db, PaymentProvider provider, PaymentTransitions transitions, ReconcilerSettings settings,
            Clock clock) {
        this.db = db;
        this.provider = provider;
        this.transitions = transitions;
        this.settings = settings;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${onestop.billing.reconciler.interval:5s}", initialDelayString = "${onestop.billing.reconciler.initial-delay:10s}")
    void poll() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        reconcileDue()
                .doFinally(s -> running.set(false))
                .subscribe(n -> {
                    if (n > 0) {
                        log.info("Reconciled {} open payment(s)", n);
                    }
                }, e -> log.warn("Payment reconciliation failed", e));
    }

    /** Claims the open payments that are due and asks the provider about each; emits how many were looked at. */
    public Mono<Integer> reconcileDue() {
        OffsetDateTime now = OffsetDateTime.now(clock);
        return db.sql("""
                        UPDATE billing_payments SET reconciling_until = :lease
                        WHERE id IN (
                            SELECT id FROM billing_payments
                            WHERE status IN ('CREATED', 'PENDING', 'UNKNOWN') AND next_check_at <= :now
                              AND (reconciling_until IS NULL OR reconciling_until < :now)
                            ORDER BY next_check_at LIMIT :batch
                            FOR UPDATE SKIP LOCKED)
                        RETURNING id, check_attempts, created_at""")
                .bind("lease", now.plus(settings.lease()))
                .bind("now", now)
                .bind("batch", settings.batchSize())
                .map(r -> new Due(r.get("id", UUID.class), r.get("check_attempts", Integer.class), r.get("created_at", OffsetDateTime.class)))
                .all()
                .flatMap(this::check, 8)
                .count()
                .map(Long::intValue);
    }

    /** Refreshes one PENDING/UNKNOWN payment now (a citizen's GET), unless another instance holds it. */
    public Mono<Void> refreshNow(UUID paymentId) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        return db.sql("""
                        UPDATE billing_payments SET reconciling_until = :lease
                        WHERE id = :id AND status IN ('PENDING', 'UNKNOWN') AND (reconciling_until IS NULL OR reconciling_until < :now)
                        RETURNING id, check_attempts, created_at""")
                .bind("lease", now.plus(settings.lease()))
                .bind("now", now)
                .bind("id", paymentId)
                .map(r -> new Due(r.get("id", UUID.class), r.get("check_attempts", Integer.class), r.get("created_at", OffsetDateTime.class)))
                .one()
                .flatMap(this::check)
                .onErrorResume(e -> {
                    // The GET still answers with what we know; the scheduled reconciler tries again.
                    log.warn("Refreshing payment {} failed: {}", paymentId, e.toString());
                    return Mono.empty();
                });
    }

    private Mono<Void> check(Due due) {
        return provider.find(due.id())
                .map(PaymentTransitions::outcome)
                .map(java.util.Optional::of)
                .defaultIfEmpty(java.util.Optional.empty())
                .flatMap(found -> {
                    if (found.isEmpty()) {
                        if (due.createdAt().plus(settings.notFoundGrace()).isBefore(OffsetDateTime.now(clock))) {
                            // The charge never reached the provider, and by now it will not: nothing was charged.
                            return transitions.apply(due.id(), new Outcome.Failed(null, "NOT_RECEIVED_BY_PROVIDER")).then();
                        }
                        return later(due);
                    }
                    if (found.get() instanceof Outcome.Pending) {
                        return transitions.apply(due.id(), found.get()).then(later(due));
                    }
                    return transitions.apply(due.id(), found.get()).then();
                })
                .onErrorResume(e -> {
                    log.warn("Provider lookup of payment {} failed: {}", due.id(), e.toString());
                    return later(due);
                });
    }

    /** Still open: look again after the next backoff step, and let any instance take it then. */
    private Mono<Void> later(Due due) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        return db.sql("UPDATE billing_payments SET check_attempts = check_attempts + 1, next_check_at = :next, reconciling_until = NULL "
                        + "WHERE id = :id AND status IN ('CREATED', 'PENDING', 'UNKNOWN')")
                .bind("next", now.plus(settings.backoff(due.attempts())))
                .bind("id", due.id())
                .then();
    }

    private record Due(UUID id, int attempts, OffsetDateTime createdAt) {}
}
