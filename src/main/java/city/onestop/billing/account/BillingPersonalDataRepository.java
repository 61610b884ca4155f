package city.onestop.billing.account;

import city.onestop.billing.Money;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** A citizen's billing rows as {@link BillingPersonalData} exports and erases them: statements only. */
@Component
class BillingPersonalDataRepository {

    static final int MAX_ROWS = 10_000;

    record LinkRequestRecord(UUID id, UUID accountId, String method, String status, Instant createdAt) {}

    record BillRecord(UUID id, UUID accountId, LocalDate period, Money total, String status, LocalDate dueDate) {}

    record PaymentRecord(UUID id, UUID billId, Money amount, String channel, String status, String receiptNumber,
            Instant createdAt) {}

    private final DatabaseClient db;

    BillingPersonalDataRepository(DatabaseClient db) {
        this.db = db;
    }

    Mono<List<LinkRequestRecord>> listLinkRequests(UUID citizenId) {
        return db.sql("SELECT id, account_id, method, status, created_at "
                        + "FROM billing_link_verifications WHERE citizen_id = :c ORDER BY created_at LIMIT " + MAX_ROWS)
                .bind("c", citizenId)
                .map(r -> new LinkRequestRecord(r.get("id", UUID.class), r.get("account_id", UUID.class), r.get("method", String.class),
                        r.get("status", String.class), r.get("created_at", OffsetDateTime.class).toInstant()))
                .all()
                .collectList();
    }

    /** The bills of the accounts linked to the citizen. */
    Mono<List<BillRecord>> listBills(UUID citizenId) {
        return db.sql("""
                        SELECT b.id, b.account_id, b.period, b.total_fen, b.status, b.due_date FROM billing_bills b
                        JOIN billing_account_links l ON l.account_id = b.account_id WHERE l.citizen_id = :c
                        ORDER BY b.period, b.id LIMIT :max""")
                .bind("c", citizenId)
                .bind("max", MAX_ROWS)
                .map(r -> new BillRecord(r.get("id", UUID.class), r.get("account_id", UUID.class), r.get("period", LocalDate.class),
                        Money.ofFen(r.get("total_fen", Long.class)), r.get("status", String.class), r.get("due_date", LocalDate.class)))
                .all()
                .collectList();
    }

    /** The payments the citizen made, with their receipt numbers. */
    Mono<List<PaymentRecord>> listPayments(UUID citizenId) {
        return db.sql("""
                        SELECT p.id, p.bill_id, p.amount_fen, p.channel, p.status, r.receipt_number, p.created_at
                        FROM billing_payments p LEFT JOIN billing_receipts r ON r.payment_id = p.id
                        WHERE p.citizen_id = :c ORDER BY p.created_at, p.id LIMIT :max""")
                .bind("c", citizenId)
                .bind("max", MAX_ROWS)
                .map(r -> new PaymentRecord(r.get("id", UUID.class), r.get("bill_id", UUID.class),
                        Money.ofFen(r.get("amount_fen", Long.class)), r.get("channel", String.class), r.get("status", String.class),
                        r.get("receipt_number", String.class), r.get("created_at", OffsetDateTime.class).toInstant()))
                .all()
                .collectList();
    }

    /** Removes the citizen's links and link requests (payments, receipts and refunds stay: accounting records). */
    Mono<Void> eraseLinks(UUID citizenId) {
        return db.sql("DELETE FROM billing_account_links WHERE citizen_id = :c").bind("c", citizenId).then()
                .then(db.sql("DELETE FROM billing_link_verifications WHERE citizen_id = :c").bind("c", citizenId).then());
    }
}
