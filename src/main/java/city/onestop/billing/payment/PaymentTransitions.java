package city.onestop.billing.payment;

import city.onestop.billing.Money;
import city.onestop.billing.account.BillingSettings;
import city.onestop.platform.AuditLog;
import io.r2dbc.spi.Readable;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
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
    static final String OPEN = "('CREATED', 'PENDING', 'UNKNOWN')";
    static final String VIEW = """
            SELECT p.id, p.bill_id, b.account_id, p.status, p.amount_fen, p.channel, r.receipt_number, p.refunded_fen,
                   p.failure_reason, p.created_at, p.updated_at
            FROM billing_payments p JOIN billing_bills b ON b.id = p.bill_id
            LEFT JOIN billing_receipts r ON r.payment_id = p.id""";

    /** What we learned about a payment. */
    public sealed interface Outcome {
        record Succeeded(String providerRef, long amountFen) implements Outcome {}

        record Pending(String providerRef) implements Outcome {}

        record Failed(String providerRef, String reason) implements Outcome {}

        record Unknown(String reason) implements Outcome {}
    }

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final ReconcilerSettings reconciler;
    private final BillingSettings billing;
    private final city.onestop.platform.Outbox outbox;
    private final AuditLog audit;

    PaymentTransitions(DatabaseClient db, ReactiveTransactionManager txManager, Clock clock, ReconcilerSettings reconciler,
            BillingSettings billing, city.onestop.platform.Outbox outbox, AuditLog audit) {
        this.outbox = outbox;
        this.audit = audit;
        this.db = db;
        this.tx = TransactionalOperator.create(txManager);
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
        OffsetDateTime now = OffsetDateTime.now(clock);
        Mono<Long> change;
        if (outcome instanceof Outcome.Succeeded s) {
            change = succeed(paymentId, s, now);
        } else if (outcome instanceof Outcome.Pending p) {
            change = db.sql("UPDATE billing_payments SET status = 'PENDING', provider_ref = COALESCE(NULLIF(:ref, ''), provider_ref), "
                            + "updated_at = :now, next_check_at = :next WHERE id = :id AND status IN ('CREATED', 'UNKNOWN')")
                    .bind("ref", p.providerRef() == null ? "" : p.providerRef())
                    .bind("now", now)
                    .bind("next", now.plus(reconciler.firstDelay()))
                    .bind("id", paymentId)
                    .fetch()
                    .rowsUpdated();
        } else if (outcome instanceof Outcome.Failed f) {
            change = db.sql("UPDATE billing_payments SET status = 'FAILED', failure_reason = :reason, "
                            + "provider_ref = COALESCE(NULLIF(:ref, ''), provider_ref), updated_at = :now, next_check_at = NULL, "
                            + "reconciling_until = NULL WHERE id = :id AND status IN " + OPEN)
                    .bind("reason", f.reason())
                    .bind("ref", f.providerRef() == null ? "" : f.providerRef())
                    .bind("now", now)
                    .bind("id", paymentId)
                    .fetch()
                    .rowsUpdated();
        } else {
            Outcome.Unknown u = (Outcome.Unknown) outcome;
            change = db.sql("UPDATE billing_payments SET status = 'UNKNOWN', failure_reason = :reason, updated_at = :now, "
                            + "next_check_at = :next WHERE id = :id AND status = 'CREATED'")
                    .bind("reason", u.reason())
                    .bind("now", now)
                    .bind("next", now.plus(reconciler.firstDelay()))
                    .bind("id", paymentId)
                    .fetch()
                    .rowsUpdated();
        }
        return change.flatMap(changed -> Mono.defer(() -> findWithPayer(paymentId))
                        .flatMap(found -> (changed > 0 ? audited(found.view(), found.payer()) : Mono.<Void>empty())
                                .then(changed > 0 && outcome instanceof Outcome.Succeeded && "SUCCEEDED".equals(found.view().status())
                                        ? announceSucceeded(found.view(), found.payer()) : Mono.<Void>empty())
                                .then(inTransaction.apply(found.view()))
                                .thenReturn(found.view())))
                .as(tx::transactional);
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

    private record WithPayer(PaymentView view, UUID payer) {}

    /** The payment and the citizen who pays it, in one read (the transition's audit row names them). */
    private Mono<WithPayer> findWithPayer(UUID paymentId) {
        return db.sql(VIEW.replace("SELECT p.id,", "SELECT p.citizen_id AS payer_id, p.id,") + " WHERE p.id = :id")
                .bind("id", paymentId)
                .map(r -> new WithPayer(view(r), r.get("payer_id", UUID.class)))
                .one();
    }

    /**
     * Success in one statement: lock the bill before the payment (the order a new payment takes, so the two never
     * deadlock), mark the payment SUCCEEDED (FAILED when the amount differs), the bill PAID, and issue the receipt.
     */
    private Mono<Long> succeed(UUID paymentId, Outcome.Succeeded s, OffsetDateTime now) {
        String prefix = "RC" + now.atZoneSameInstant(billing.zone()).format(DateTimeFormatter.ofPattern("yyyyMMdd"));
        return db.sql("""
                        WITH locked AS (
                            SELECT b.id FROM billing_bills b JOIN billing_payments p ON p.bill_id = b.id WHERE p.id = :id FOR UPDATE OF b),
                        changed AS (
                            UPDATE billing_payments SET status = CASE WHEN amount_fen = :amount THEN 'SUCCEEDED' ELSE 'FAILED' END,
                                failure_reason = CASE WHEN amount_fen = :amount THEN NULL ELSE 'AMOUNT_MISMATCH' END,
                                provider_ref = COALESCE(NULLIF(:ref, ''), provider_ref), updated_at = :now, next_check_at = NULL,
                                reconciling_until = NULL
                            WHERE id = :id AND status IN """ + OPEN + """
                               AND EXISTS (SELECT 1 FROM locked)
                            RETURNING status, bill_id, amount_fen, currency),
                        paid AS (
                            UPDATE billing_bills SET status = 'PAID', paid_at = :now
                            WHERE id = (SELECT bill_id FROM changed WHERE status = 'SUCCEEDED') AND status = 'ACTIVE'
                            RETURNING id),
                        receipt AS (
                            INSERT INTO billing_receipts (receipt_number, payment_id, bill_id, account_id, amount_fen, currency, issued_at)
                            SELECT :prefix || lpad(nextval('billing_receipt_seq')::text, 8, '0'), :id, b.id, b.account_id,
                                   c.amount_fen, c.currency, :now
                            FROM changed c JOIN billing_bills b ON b.id = c.bill_id WHERE c.status = 'SUCCEEDED'
                            ON CONFLICT (payment_id) DO NOTHING
                            RETURNING receipt_number)
                        SELECT c.status, c.bill_id, c.amount_fen, (SELECT count(*) FROM paid) AS bills_paid,
                               (SELECT count(*) FROM receipt) AS receipts
                        FROM changed c""")
                .bind("amount", s.amountFen())
                .bind("ref", s.providerRef() == null ? "" : s.providerRef())
                .bind("now", now)
                .bind("id", paymentId)
                .bind("prefix", prefix)
                .map(r -> new Changed(r.get("status", String.class), r.get("bill_id", UUID.class), r.get("amount_fen", Long.class),
                        ((Number) r.get("bills_paid")).longValue()))
                .one()
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
        return db.sql(VIEW + " WHERE p.id = :id").bind("id", paymentId).map(PaymentTransitions::view).one();
    }

    static PaymentView view(Readable r) {
        long refunded = r.get("refunded_fen", Long.class);
        return new PaymentView(r.get("id", UUID.class), r.get("bill_id", UUID.class), r.get("account_id", UUID.class),
                r.get("status", String.class), Money.ofFen(r.get("amount_fen", Long.class)), r.get("channel", String.class),
                r.get("receipt_number", String.class), refunded == 0 ? null : Money.ofFen(refunded),
                r.get("failure_reason", String.class), r.get("created_at", OffsetDateTime.class),
                r.get("updated_at", OffsetDateTime.class));
    }

    private record Changed(String status, UUID billId, long amountFen, long billsPaid) {}
}
