package city.onestop.billing.payment;

import city.onestop.billing.BillingError;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The {@code billing_refunds} rows and the refunded amount on their payment: statements only, run inside the
 * transactions of {@link Refunds}.
 */
@Component
class RefundRepository {

    private final DatabaseClient db;

    RefundRepository(DatabaseClient db) {
        this.db = db;
    }

    /** A refund written under an operator's Idempotency-Key. */
    record KeyedRefund(UUID id, UUID paymentId, long amountFen) {}

    /** The refund an operator's key already wrote (a retry whose first attempt ended before its final transaction). */
    Mono<KeyedRefund> findByKey(UUID operator, String key) {
        return db.sql("SELECT id, payment_id, amount_fen FROM billing_refunds WHERE operator_id = :op AND idempotency_key = :key")
                .bind("op", operator)
                .bind("key", key)
                .map(r -> new KeyedRefund(r.get("id", UUID.class), r.get("payment_id", UUID.class), r.get("amount_fen", Long.class)))
                .one();
    }

    /**
     * Reserves the amount on the payment by one conditional UPDATE (never more than was paid, even under concurrent
     * refunds) and writes the refund row; {@link #whyNotRefundable} explains a refusal.
     */
    Mono<Boolean> reserve(UUID refundId, UUID paymentId, long amountFen, @Nullable String reason, UUID operator, @Nullable String key,
            OffsetDateTime now) {
        return db.sql("""
                        UPDATE billing_payments SET refunded_fen = refunded_fen + :amount, updated_at = :now,
                            status = CASE WHEN refunded_fen + :amount = amount_fen THEN 'REFUNDED' ELSE status END
                        WHERE id = :id AND status IN ('SUCCEEDED', 'REFUNDED') AND refunded_fen + :amount <= amount_fen""")
                .bind("amount", amountFen)
                .bind("now", now)
                .bind("id", paymentId)
                .fetch()
                .rowsUpdated()
                .flatMap(n -> {
                    if (n != 1) {
                        return Mono.just(false);
                    }
                    var insert = db.sql("INSERT INTO billing_refunds (id, payment_id, amount_fen, reason, operator_id, created_at, "
                                    + "idempotency_key) VALUES (:id, :p, :amount, :reason, :op, :now, :key)")
                            .bind("id", refundId)
                            .bind("p", paymentId)
                            .bind("amount", amountFen)
                            .bind("reason", reason == null ? "" : reason)
                            .bind("op", operator)
                            .bind("now", now);
                    insert = key == null ? insert.bindNull("key", String.class) : insert.bind("key", key);
                    return insert.fetch().rowsUpdated().thenReturn(true);
                });
    }

    /** Gives the reserved amount back and forgets the refund (the provider was certainly not asked). */
    Mono<Void> undo(UUID refundId, UUID paymentId, long amountFen) {
        return db.sql("""
                        UPDATE billing_payments SET refunded_fen = refunded_fen - :amount,
                            status = CASE WHEN status = 'REFUNDED' THEN 'SUCCEEDED' ELSE status END
                        WHERE id = :id""")
                .bind("amount", amountFen)
                .bind("id", paymentId)
                .then()
                .then(db.sql("DELETE FROM billing_refunds WHERE id = :id").bind("id", refundId).then());
    }

    /** Why {@link #reserve} refused, as the error to answer. */
    <T> Mono<T> whyNotRefundable(UUID paymentId) {
        return db.sql("SELECT status, amount_fen, refunded_fen FROM billing_payments WHERE id = :id")
                .bind("id", paymentId)
                .map(r -> new PaymentAmounts(r.get("status", String.class), r.get("amount_fen", Long.class),
                        r.get("refunded_fen", Long.class)))
                .one()
                .switchIfEmpty(Mono.error(() -> new BillingError.PaymentNotFound(paymentId)))
                .flatMap(p -> Mono.error(switch (p.status()) {
                    case "SUCCEEDED", "REFUNDED" -> new BillingError.RefundExceedsPayment(p.amountFen() - p.refundedFen());
                    default -> new BillingError.PaymentNotRefundable(p.status());
                }));
    }

    private record PaymentAmounts(String status, long amountFen, long refundedFen) {}
}
