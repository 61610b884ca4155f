package city.onestop.billing.payment;

import city.onestop.billing.BillingError;
import city.onestop.billing.Money;
import city.onestop.billing.PaymentRefunded;
import city.onestop.billing.provider.PaymentProvider;
import city.onestop.platform.AuditLog;
import city.onestop.platform.Idempotency;
import city.onestop.platform.Idempotency.Claim;
import city.onestop.platform.Idempotency.IdempotentRequest;
import city.onestop.platform.Outbox;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Refunding part or all of a successful payment (operator). The amount is reserved by a conditional UPDATE in a first
 * transaction with the refund row and its audit row, then the provider is asked (our refund id is its idempotency key),
 * then a final transaction appends the {@link PaymentRefunded} event. If the provider certainly was not asked, the
 * reservation is undone.
 *
 * <p>With an {@code Idempotency-Key} (optional: clients before it send none) the refund is a {@link Idempotency#claimed}
 * flow, as a payment is: the claim is completed in the final transaction or forgotten in the one that undoes the
 * reservation, and released by {@code usingWhen} cleanup otherwise. The refund row carries the key, so a retry whose
 * first attempt was released after the row was written (the client went away while the provider was being asked)
 * resumes that refund with the same refund id instead of reserving a second one: the provider refunds once.
 */
@Service
public class Refunds {

    private static final Logger log = LoggerFactory.getLogger(Refunds.class);

    private final RefundRepository refunds;
    private final PaymentRepository payments;
    private final TransactionalOperator tx;
    private final Idempotency idempotency;
    private final PaymentProvider provider;
    private final AuditLog audit;
    private final Outbox outbox;
    private final Clock clock;

    Refunds(RefundRepository refunds, PaymentRepository payments, TransactionalOperator tx, Idempotency idempotency,
            PaymentProvider provider, AuditLog audit, Outbox outbox, Clock clock) {
        this.refunds = refunds;
        this.payments = payments;
        this.tx = tx;
        this.idempotency = idempotency;
        this.provider = provider;
        this.audit = audit;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Refunds {@code amountFen} of the payment; 200 with the payment as it is afterwards (a replay says so in its header). */
    public Mono<ResponseEntity<Object>> refund(UUID operator, UUID paymentId, @Nullable String idempotencyKey, long amountFen,
            @Nullable String reason) {
        return Mono.defer(() -> {
            if (amountFen <= 0) {
                return Mono.error(new BillingError.InvalidAmount("A refund must be at least 0.01"));
            }
            if (idempotencyKey == null) {
                return run(operator, paymentId, amountFen, reason, null).map(Refunds::ok);
            }
            Map<String, Object> canonical = new LinkedHashMap<>();
            canonical.put("amountFen", amountFen);
            canonical.put("reason", reason == null ? "" : reason);
            IdempotentRequest request = IdempotentRequest.of(operator, idempotencyKey, "billing.refund:" + paymentId, canonical);
            return idempotency.claimed(request, claim -> run(operator, paymentId, amountFen, reason, claim).map(Refunds::ok));
        });
    }

    private static ResponseEntity<Object> ok(PaymentView view) {
        return ResponseEntity.ok().body(view);
    }

    /** The refund to send: written now, or (a retry of the same key) written by an earlier attempt. */
    private record Reserved(UUID refundId, boolean resumed) {}

    private Mono<PaymentView> run(UUID operator, UUID paymentId, long amountFen, @Nullable String reason, Claim.@Nullable Fresh claim) {
        return reserve(operator, paymentId, amountFen, reason, claim).flatMap(reserved -> provider
                .refund(paymentId, reserved.refundId(), amountFen)
                .then(Mono.defer(() -> finish(reserved.refundId(), paymentId, amountFen, claim, true)))
                .onErrorResume(PaymentProvider.ProviderUnavailable.class, e -> notSent(reserved, paymentId, amountFen, claim))
                .onErrorResume(PaymentProvider.OutcomeUnknown.class, e -> {
                    log.error("ALERT refund {} of payment {} ({} fen): provider outcome unknown, check with the provider",
                            reserved.refundId(), paymentId, amountFen);
                    return finish(reserved.refundId(), paymentId, amountFen, claim, false);
                }));
    }

    /** The first transaction: the reservation, the refund row and the audit row; or the earlier attempt's refund. */
    private Mono<Reserved> reserve(UUID operator, UUID paymentId, long amountFen, @Nullable String reason, Claim.@Nullable Fresh claim) {
        return Mono.defer(() -> {
                    UUID refundId = UUID.randomUUID();
                    OffsetDateTime now = OffsetDateTime.now(clock);
                    Mono<Reserved> earlier = claim == null ? Mono.empty() : refunds.findByKey(operator, claim.key())
                            .flatMap(found -> found.paymentId().equals(paymentId) && found.amountFen() == amountFen
                                    ? Mono.just(new Reserved(found.id(), true))
                                    : Mono.error(new BillingError.RefundKeyReused()));
                    return earlier.switchIfEmpty(Mono.defer(() -> refunds
                            .reserve(refundId, paymentId, amountFen, reason, operator, claim == null ? null : claim.key(), now)
                            .flatMap(reservedNow -> reservedNow
                                    ? audit.record(new AuditLog.AuditEntry(operator, "UTILITY_OPERATOR", "PAYMENT_REFUNDED",
                                                    "payment:" + paymentId, AuditLog.Outcome.SUCCESS))
                                            .thenReturn(new Reserved(refundId, false))
                                    : refunds.whyNotRefundable(paymentId))));
                })
                .as(tx::transactional);
    }

    /**
     * The provider was certainly not asked this time: a reservation made now is undone (and the claim forgotten) in one
     * transaction. A resumed refund is left as it is, since its first attempt may have reached the provider; its claim is
     * released by the error, and a later retry resumes it again.
     */
    private Mono<PaymentView> notSent(Reserved reserved, UUID paymentId, long amountFen, Claim.@Nullable Fresh claim) {
        Mono<Void> undo = reserved.resumed() ? Mono.empty() : refunds.undo(reserved.refundId(), paymentId, amountFen)
                .then(claim == null ? Mono.empty() : idempotency.fail(claim))
                .as(tx::transactional);
        return undo.then(Mono.error(new BillingError.ProviderUnavailable("The refund was not sent; try again in a minute")));
    }

    /**
     * The final transaction: after the provider's acceptance the {@link PaymentRefunded} notice (once it commits it cannot
     * be lost), and the completed claim with the payment as it is now. After an unknown outcome only the claim: the refund
     * is kept and alerted, not announced. An instance dying before this commit loses the notice of a refund without a key
     * (not the refund); with a key, the retry resumes and announces it.
     */
    private Mono<PaymentView> finish(UUID refundId, UUID paymentId, long amountFen, Claim.@Nullable Fresh claim, boolean announce) {
        Mono<Void> notice = !announce ? Mono.empty() : payments.findPayer(paymentId)
                .flatMap(citizen -> outbox.append(new PaymentRefunded(refundId, paymentId, citizen, Money.ofFen(amountFen))));
        return notice.then(Mono.defer(() -> payments.find(paymentId)))
                .flatMap(view -> (claim == null ? Mono.<Void>empty() : idempotency.complete(claim, 200, view)).thenReturn(view))
                .as(tx::transactional);
    }
}
