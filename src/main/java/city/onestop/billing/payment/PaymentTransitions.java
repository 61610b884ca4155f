package city.onestop.billing.payment;

import city.onestop.billing.provider.PaymentProvider;
import city.onestop.billing.account.BillingSettings;
import city.onestop.platform.AuditLog;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The one place a payment changes state: the live request, the provider callback, the reconciler and a GET
 * refresh all come here. Every transition is a conditional UPDATE from an open state, so a duplicate or
 * late result changes nothing. Success, the bill becoming PAID and the receipt commit in one transaction.
 */
@Component
public class PaymentTransitions {

    private static final Logger log = LoggerFactory.getLogger(PaymentTransitions.class);

    /** What we learned about a payment. */
    public sealed interface Outcome {
        record Succeeded(String providerRef, long amountFen) implements Outcome {}

        record Pending(String providerRef) implements Outcome {}

        record Failed(String providerRef, String reason) implements Outcome {}

        record Unknown(String reason) implements Outcome {}
    }

    private final PaymentRepository payments;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final ReconcilerSettings reconciler;
    private final BillingSettings billing;
    private final city.onestop.platform.Outbox outbox;
    private final AuditLog audit;

    PaymentTransitions(PaymentRepository payments, TransactionalOperator tx, Clock clock, ReconcilerSettings reconciler,
            BillingSettings billing, city.onestop.platform.Outbox outbox, AuditLog audit) {
        this.outbox = outbox;
        this.audit = audit;
        this.payments = payments;
        this.tx = tx;
        this.clock = clock;
        this.reconciler = reconciler;
        this.billing = billing;
    }

    public Mono<PaymentView> apply(UUID paymentId, Outcome outcome) {
        return apply(paymentId, outcome, view -> Mono.empty());
    }

    /**
     * Applies the outcome and returns the payment as it is afterwards; {@code inTransaction} runs in the same
     * transaction with that view (the live path completes its idempotency record there).
     */
    public Mono<PaymentView> apply(UUID paymentId, Outcome outcome, Function<PaymentView, Mono<Void>> inTransaction) {
        return Mono.defer(() -> {
                    OffsetDateTime now = OffsetDateTime.now(clock);
                    Mono<Long> change;
                    if (outcome instanceof Outcome.Succeeded s) {
                        change = succeed(paymentId, s, now);
                    } else if (outcome instanceof Outcome.Pending p) {
                        change = payments.markPending(paymentId, p.providerRef(), now, now.plus(reconciler.firstDelay()));
                    } else if (outcome instanceof Outcome.Failed f) {
                        change = payments.markFailed(paymentId, f.providerRef(), f.reason(), now);
                    } else {
                        change = payments.markUnknown(paymentId, ((Outcome.Unknown) outcome).reason(), now,
                                now.plus(reconciler.firstDelay()));
                    }
                    return change.flatMap(changed -> Mono.defer(() -> payments.findWithPayer(paymentId))
                            .flatMap(found -> (changed > 0 ? audited(found.view(), found.payer()) : Mono.<Void>empty())
                                    .then(changed > 0 && outcome instanceof Outcome.Succeeded && "SUCCEEDED".equals(found.view().status())
                                            ? announceSucceeded(found.view(), found.payer()) : Mono.<Void>empty())
                                    .then(inTransaction.apply(found.view()))
                                    .thenReturn(found.view())));
                })
                .as(tx::transactional);
    }

    /** What the provider's answer to a charge or a lookup means for the payment. */
    static Outcome outcome(PaymentProvider.ProviderPayment p) {
        return switch (p.status()) {
            case SUCCEEDED -> new Outcome.Succeeded(p.providerReference(), p.amountFen());
            case PENDING -> new Outcome.Pending(p.providerReference());
            case DECLINED -> new Outcome.Failed(p.providerReference(), "DECLINED");
        };
    }

    /**
     * In the transaction that made the payment SUCCEEDED (only that one: a repeated success report changes nothing
     * and appends nothing); the outbox delivers it after the commit.
     */
    private Mono<Void> announceSucceeded(PaymentView view, UUID payer) {
        return outbox.append(new city.onestop.billing.PaymentSucceeded(view.id(), view.billId(), payer, view.amount(),
                view.receiptNumber()));
    }

    /**
     * The transition's audit row, in its transaction. The paying citizen is the actor, so the outcome shows in
     * their activity; the request id tells which path (live call, provider callback, reconciler) applied it.
     */
    private Mono<Void> audited(PaymentView view, UUID payer) {
        return audit.record(new AuditLog.AuditEntry(payer, "CITIZEN", "PAYMENT_" + view.status(),
                "payment:" + view.id() + " bill:" + view.billId(),
                "FAILED".equals(view.status()) ? AuditLog.Outcome.FAILURE : AuditLog.Outcome.SUCCESS));
    }

    /** Success, the bill PAID and the receipt in one statement (see {@link PaymentRepository#succeed}). */
    private Mono<Long> succeed(UUID paymentId, Outcome.Succeeded s, OffsetDateTime now) {
        String prefix = "RC" + now.atZoneSameInstant(billing.zone()).format(DateTimeFormatter.ofPattern("yyyyMMdd"));
        return payments.succeed(paymentId, s, prefix, now)
                .map(c -> {
                    if (!"SUCCEEDED".equals(c.status())) {
                        log.error("ALERT payment {} reported paid with {} fen but {} fen were asked: marked FAILED, needs review",
                                paymentId, s.amountFen(), c.amountFen());
                    } else if (c.billsPaid() == 0) {
                        log.error("ALERT payment {} succeeded but bill {} was no longer ACTIVE: needs a refund", paymentId, c.billId());
                    }
                    return 1L;
                })
                .defaultIfEmpty(0L);
    }

    /** A payment by id, with no visibility check (callers check). */
    public Mono<PaymentView> find(UUID paymentId) {
        return payments.find(paymentId);
    }
}
