package city.onestop.billing.payment;

import city.onestop.billing.BillingError;
import city.onestop.billing.Money;
import city.onestop.billing.Utility;
import city.onestop.billing.payment.PaymentTransitions.Outcome;
import io.r2dbc.spi.Readable;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code billing_payments} and {@code billing_receipts} rows: the statements, as records and domain errors. It
 * opens no transaction; the use cases ({@link Payments}, {@link PaymentTransitions}) run these inside theirs.
 */
@Component
class PaymentRepository {

    static final String OPEN = "('CREATED', 'PENDING', 'UNKNOWN')";
    static final String VIEW = """
            SELECT p.id, p.bill_id, b.account_id, p.status, p.amount_fen, p.channel, r.receipt_number, p.refunded_fen,
                   p.failure_reason, p.created_at, p.updated_at
            FROM billing_payments p JOIN billing_bills b ON b.id = p.bill_id
            LEFT JOIN billing_receipts r ON r.payment_id = p.id""";

    private final DatabaseClient db;

    PaymentRepository(DatabaseClient db) {
        this.db = db;
    }

    /** A payment written CREATED, and the amount it asks (the bill's total). */
    record Created(UUID paymentId, long amountFen) {}

    /** A payment and the citizen who pays it. */
    record WithPayer(PaymentView view, UUID payer) {}

    /** What a success statement changed. */
    record Succeeded(String status, UUID billId, long amountFen, long billsPaid) {}

    /**
     * Writes the CREATED payment of an ACTIVE bill with something to pay (of the asked amount, if one was asked); empty
     * when the bill is not payable as asked ({@link #whyNotPayable} says why). The partial unique index refuses a second
     * open payment of the bill. The bill row is locked ({@code FOR UPDATE}) so an insert racing a success waits for it and
     * then sees the bill PAID: without the lock, the unique check passes as soon as the first payment leaves the open
     * states, and a second charge would follow (decision 0503).
     */
    Mono<Created> insertCreated(UUID id, UUID citizen, UUID billId, String channel, @Nullable Long askedFen, OffsetDateTime nextCheck,
            OffsetDateTime now) {
        return db.sql("""
                        INSERT INTO billing_payments (id, bill_id, citizen_id, amount_fen, currency, channel, status, next_check_at,
                            created_at, updated_at)
                        SELECT :id, b.id, :citizen, b.total_fen, b.currency, :channel, 'CREATED', :next, :now, :now
                        FROM billing_bills b WHERE b.id = :bill AND b.status = 'ACTIVE' AND b.total_fen > 0
                          AND (:asked < 0 OR b.total_fen = :asked)
                        FOR UPDATE
                        RETURNING amount_fen""")
                .bind("id", id)
                .bind("citizen", citizen)
                .bind("channel", channel)
                .bind("next", nextCheck)
                .bind("now", now)
                .bind("bill", billId)
                .bind("asked", askedFen == null ? -1L : askedFen)
                .map(r -> new Created(id, r.get("amount_fen", Long.class)))
                .one()
                .onErrorMap(DataIntegrityViolationException.class, PaymentRepository::inProgressOrPaid);
    }

    private static BillingError inProgressOrPaid(DataIntegrityViolationException e) {
        if (String.valueOf(e.getMessage()).contains("billing_payments_one_success")) {
            return new BillingError.BillAlreadyPaid();
        }
        return new BillingError.PaymentInProgress("A payment of this bill is in progress; check its status before paying again");
    }

    /** Why {@link #insertCreated} wrote nothing, as the error to answer. */
    <T> Mono<T> whyNotPayable(UUID billId) {
        return db.sql("SELECT status, total_fen FROM billing_bills WHERE id = :bill")
                .bind("bill", billId)
                .map(r -> new BillState(r.get("status", String.class), r.get("total_fen", Long.class)))
                .one()
                .switchIfEmpty(Mono.error(() -> new BillingError.BillNotFound(billId)))
                .flatMap(b -> Mono.error(switch (b.status()) {
                    case "PAID" -> new BillingError.BillAlreadyPaid();
                    case "ACTIVE" -> b.totalFen() == 0 ? new BillingError.NothingToPay() : new BillingError.AmountMismatch(b.totalFen());
                    default -> new BillingError.BillNotPayable(b.status());
                }));
    }

    private record BillState(String status, long totalFen) {}

    // ------------------------------------------------------------------ transitions (conditional, from open states)

    Mono<Long> markPending(UUID id, @Nullable String providerRef, OffsetDateTime now, OffsetDateTime nextCheck) {
        return db.sql("UPDATE billing_payments SET status = 'PENDING', provider_ref = COALESCE(NULLIF(:ref, ''), provider_ref), "
                        + "updated_at = :now, next_check_at = :next WHERE id = :id AND status IN ('CREATED', 'UNKNOWN')")
                .bind("ref", providerRef == null ? "" : providerRef)
                .bind("now", now)
                .bind("next", nextCheck)
                .bind("id", id)
                .fetch()
                .rowsUpdated();
    }

    Mono<Long> markFailed(UUID id, @Nullable String providerRef, String reason, OffsetDateTime now) {
        return db.sql("UPDATE billing_payments SET status = 'FAILED', failure_reason = :reason, "
                        + "provider_ref = COALESCE(NULLIF(:ref, ''), provider_ref), updated_at = :now, next_check_at = NULL, "
                        + "reconciling_until = NULL WHERE id = :id AND status IN " + OPEN)
                .bind("reason", reason)
                .bind("ref", providerRef == null ? "" : providerRef)
                .bind("now", now)
                .bind("id", id)
                .fetch()
                .rowsUpdated();
    }

    Mono<Long> markUnknown(UUID id, String reason, OffsetDateTime now, OffsetDateTime nextCheck) {
        return db.sql("UPDATE billing_payments SET status = 'UNKNOWN', failure_reason = :reason, updated_at = :now, "
                        + "next_check_at = :next WHERE id = :id AND status = 'CREATED'")
                .bind("reason", reason)
                .bind("now", now)
                .bind("next", nextCheck)
                .bind("id", id)
                .fetch()
                .rowsUpdated();
    }

    /**
     * Success in one statement: lock the bill before the payment (the order a new payment takes, so the two never
     * deadlock), mark the payment SUCCEEDED (FAILED when the amount differs), the bill PAID, and issue the receipt
     * numbered {@code receiptPrefix} and the sequence. Empty when the payment was no longer open.
     */
    Mono<Succeeded> succeed(UUID id, Outcome.Succeeded s, String receiptPrefix, OffsetDateTime now) {
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
                .bind("id", id)
                .bind("prefix", receiptPrefix)
                .map(r -> new Succeeded(r.get("status", String.class), r.get("bill_id", UUID.class), r.get("amount_fen", Long.class),
                        ((Number) r.get("bills_paid")).longValue()))
                .one();
    }

    // ------------------------------------------------------------------ reads

    /** A payment by id, with no visibility check (callers check). */
    Mono<PaymentView> find(UUID id) {
        return db.sql(VIEW + " WHERE p.id = :id").bind("id", id).map(PaymentRepository::view).one();
    }

    /** The payment and the citizen who pays it, in one read (a transition's audit row names them). */
    Mono<WithPayer> findWithPayer(UUID id) {
        return db.sql(VIEW.replace("SELECT p.id,", "SELECT p.citizen_id AS payer_id, p.id,") + " WHERE p.id = :id")
                .bind("id", id)
                .map(r -> new WithPayer(view(r), r.get("payer_id", UUID.class)))
                .one();
    }

    /** The payment if the citizen paid it (perhaps someone else's bill) or is linked to the bill's account. */
    Mono<PaymentView> findVisible(UUID citizen, UUID id) {
        return db.sql(VIEW + " WHERE p.id = :id AND (p.citizen_id = :citizen OR EXISTS "
                        + "(SELECT 1 FROM billing_account_links l WHERE l.account_id = b.account_id AND l.citizen_id = :citizen))")
                .bind("id", id)
                .bind("citizen", citizen)
                .map(PaymentRepository::view)
                .one();
    }

    Mono<Boolean> isLinked(UUID accountId, UUID citizen) {
        return db.sql("SELECT EXISTS (SELECT 1 FROM billing_account_links WHERE account_id = :a AND citizen_id = :c) AS linked")
                .bind("a", accountId)
                .bind("c", citizen)
                .map(r -> Boolean.TRUE.equals(r.get("linked", Boolean.class)))
                .one();
    }

    /** Where a page of payments starts: after this (created_at, id), newest first. */
    record After(OffsetDateTime createdAt, UUID id) {}

    /** Up to {@code limit} payments made by a citizen, newest first. */
    Mono<List<PaymentView>> listByPayer(UUID citizen, @Nullable After after, int limit) {
        return list(" WHERE p.citizen_id = :who", citizen, after, limit);
    }

    /** Up to {@code limit} payments of an account, newest first. */
    Mono<List<PaymentView>> listByAccount(UUID accountId, @Nullable After after, int limit) {
        return list(" WHERE b.account_id = :who", accountId, after, limit);
    }

    private Mono<List<PaymentView>> list(String where, UUID who, @Nullable After after, int limit) {
        String sql = VIEW + where + (after == null ? "" : " AND (p.created_at, p.id) < (:cAt, :cId)");
        var spec = db.sql(sql + " ORDER BY p.created_at DESC, p.id DESC LIMIT :limit").bind("who", who).bind("limit", limit);
        if (after != null) {
            spec = spec.bind("cAt", after.createdAt()).bind("cId", after.id());
        }
        return spec.map(PaymentRepository::view).all().collectList();
    }

    /** A receipt, if the citizen paid it or is linked to its account. */
    Mono<ReceiptView> findReceipt(UUID citizen, String receiptNumber) {
        return db.sql("""
                        SELECT r.receipt_number, r.payment_id, r.bill_id, r.account_id, a.utility, a.account_number, b.period,
                               r.amount_fen, p.channel, r.issued_at
                        FROM billing_receipts r JOIN billing_bills b ON b.id = r.bill_id JOIN billing_accounts a ON a.id = r.account_id
                        JOIN billing_payments p ON p.id = r.payment_id
                        WHERE r.receipt_number = :n AND (p.citizen_id = :c OR EXISTS
                            (SELECT 1 FROM billing_account_links l WHERE l.account_id = r.account_id AND l.citizen_id = :c))""")
                .bind("n", receiptNumber)
                .bind("c", citizen)
                .map(r -> new ReceiptView(r.get("receipt_number", String.class), r.get("payment_id", UUID.class),
                        r.get("bill_id", UUID.class), r.get("account_id", UUID.class), Utility.valueOf(r.get("utility", String.class)),
                        r.get("account_number", String.class), YearMonth.from(r.get("period", LocalDate.class)).toString(),
                        Money.ofFen(r.get("amount_fen", Long.class)), r.get("channel", String.class),
                        r.get("issued_at", OffsetDateTime.class)))
                .one();
    }

    /** Who paid the payment. */
    Mono<UUID> findPayer(UUID id) {
        return db.sql("SELECT citizen_id FROM billing_payments WHERE id = :id")
                .bind("id", id)
                .map(r -> r.get("citizen_id", UUID.class))
                .one();
    }

    // ------------------------------------------------------------------ the reconciler's leases

    /** An open payment leased to this instance for a provider lookup. */
    record Due(UUID id, int attempts, OffsetDateTime createdAt) {}

    /** Leases up to {@code batch} open payments whose check is due (SKIP LOCKED: instances share the work). */
    Flux<Due> leaseDue(OffsetDateTime now, OffsetDateTime leaseUntil, int batch) {
        return db.sql("""
                        UPDATE billing_payments SET reconciling_until = :lease
                        WHERE id IN (
                            SELECT id FROM billing_payments
                            WHERE status IN """ + OPEN + """
                               AND next_check_at <= :now
                              AND (reconciling_until IS NULL OR reconciling_until < :now)
                            ORDER BY next_check_at LIMIT :batch
                            FOR UPDATE SKIP LOCKED)
                        RETURNING id, check_attempts, created_at""")
                .bind("lease", leaseUntil)
                .bind("now", now)
                .bind("batch", batch)
                .map(PaymentRepository::due)
                .all();
    }

    /** Leases one PENDING/UNKNOWN payment now; empty when it is not open or another instance holds it. */
    Mono<Due> leaseOne(UUID id, OffsetDateTime now, OffsetDateTime leaseUntil) {
        return db.sql("""
                        UPDATE billing_payments SET reconciling_until = :lease
                        WHERE id = :id AND status IN ('PENDING', 'UNKNOWN') AND (reconciling_until IS NULL OR reconciling_until < :now)
                        RETURNING id, check_attempts, created_at""")
                .bind("lease", leaseUntil)
                .bind("now", now)
                .bind("id", id)
                .map(PaymentRepository::due)
                .one();
    }

    /** Still open: the next check at {@code next}, one attempt more, the lease given back. */
    Mono<Void> scheduleCheck(UUID id, OffsetDateTime next) {
        return db.sql("UPDATE billing_payments SET check_attempts = check_attempts + 1, next_check_at = :next, reconciling_until = NULL "
                        + "WHERE id = :id AND status IN " + OPEN)
                .bind("next", next)
                .bind("id", id)
                .then();
    }

    private static Due due(Readable r) {
        return new Due(r.get("id", UUID.class), r.get("check_attempts", Integer.class), r.get("created_at", OffsetDateTime.class));
    }

    static PaymentView view(Readable r) {
        long refunded = r.get("refunded_fen", Long.class);
        return new PaymentView(r.get("id", UUID.class), r.get("bill_id", UUID.class), r.get("account_id", UUID.class),
                r.get("status", String.class), Money.ofFen(r.get("amount_fen", Long.class)), r.get("channel", String.class),
                r.get("receipt_number", String.class), refunded == 0 ? null : Money.ofFen(refunded),
                r.get("failure_reason", String.class), r.get("created_at", OffsetDateTime.class),
                r.get("updated_at", OffsetDateTime.class));
    }
}
