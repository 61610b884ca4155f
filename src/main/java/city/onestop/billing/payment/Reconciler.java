package city.onestop.billing.payment;

import city.onestop.billing.payment.PaymentTransitions.Outcome;
import city.onestop.billing.provider.PaymentProvider;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private final PaymentRepository payments;
    private final PaymentProvider provider;
    private final PaymentTransitions transitions;
    private final ReconcilerSettings settings;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();

    Reconciler(PaymentRepository payments, PaymentProvider provider, PaymentTransitions transitions, ReconcilerSettings settings,
            Clock clock) {
        this.payments = payments;
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
        return Mono.defer(() -> {
            OffsetDateTime now = OffsetDateTime.now(clock);
            return payments.leaseDue(now, now.plus(settings.lease()), settings.batchSize())
                    .flatMap(this::check, 8)
                    .count()
                    .map(Long::intValue);
        });
    }

    /** Refreshes one PENDING/UNKNOWN payment now (a citizen's GET), unless another instance holds it. */
    public Mono<Void> refreshNow(UUID paymentId) {
        return Mono.defer(() -> {
                    OffsetDateTime now = OffsetDateTime.now(clock);
                    return payments.leaseOne(paymentId, now, now.plus(settings.lease()));
                })
                .flatMap(this::check)
                .onErrorResume(e -> {
                    // The GET still answers with what we know; the scheduled reconciler tries again.
                    log.warn("Refreshing payment {} failed: {}", paymentId, e.toString());
                    return Mono.empty();
                });
    }

    private Mono<Void> check(PaymentRepository.Due due) {
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
    private Mono<Void> later(PaymentRepository.Due due) {
        return Mono.defer(() -> payments.scheduleCheck(due.id(), OffsetDateTime.now(clock).plus(settings.backoff(due.attempts()))));
    }
}
