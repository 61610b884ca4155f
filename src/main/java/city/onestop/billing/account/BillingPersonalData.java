package city.onestop.billing.account;

import city.onestop.billing.Money;
import city.onestop.citizen.PersonalData;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Billing's part of a citizen's export and erasure: linked accounts, link requests, the bills of linked accounts and
 * the payments the citizen made. Erasure removes the links and link requests; payments, receipts and refunds are
 * accounting records the law keeps: they stay, under a citizen id that no longer names anyone.
 */
@Component
class BillingPersonalData implements PersonalData {

    private static final int MAX_ROWS = 10_000;

    record LinkRequestRecord(UUID id, UUID accountId, String method, String status, Instant createdAt) {}

    record BillRecord(UUID id, UUID accountId, LocalDate period, Money total, String status, LocalDate dueDate) {}

    record PaymentRecord(UUID id, UUID billId, Money amount, String channel, String status, String receiptNumber,
            Instant createdAt) {}

    private final DatabaseClient db;
    private final AccountService accounts;

    BillingPersonalData(DatabaseClient db, AccountService accounts) {
        this.db = db;
        this.accounts = accounts;
    }

    @Override
    public String section() {
        return "billing";
    }

    @Override
    public Mono<Object> export(UUID citizenId) {
        Mono<java.util.List<AccountView>> linked = accounts.listLinked(citizenId).collectList();
        Mono<java.util.List<LinkRequestRecord>> requests = db.sql("SELECT id, account_id, method, status, created_at "
                        + "FROM billing_link_verifications WHERE citizen_id = :c ORDER BY created_at LIMIT " + MAX_ROWS)
                .bind("c", citizenId)
                .map(r -> new LinkRequestRecord(r.get("id", UUID.class), r.get("account_id", UUID.class), r.get("method", String.class),
                        r.get("status", String.class), r.get("created_at", OffsetDateTime.class).toInstant()))
                .all()
                .collectList();
        Mono<java.util.List<BillRecord>> bills = db.sql("""
                        SELECT b.id, b.account_id, b.period, b.total_fen, b.status, b.due_date FROM billing_bills b
                        JOIN billing_account_links l ON l.account_id = b.account_id WHERE l.citizen_id = :c
                        ORDER BY b.period, b.id LIMIT :max""")
                .bind("c", citizenId)
                .bind("max", MAX_ROWS)
                .map(r -> new BillRecord(r.get("id", UUID.class), r.get("account_id", UUID.class), r.get("period", LocalDate.class),
                        Money.ofFen(r.get("total_fen", Long.class)), r.get("status", String.class), r.get("due_date", LocalDate.class)))
                .all()
                .collectList();
        Mono<java.util.List<PaymentRecord>> payments = db.sql("""
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
        return Mono.zip(linked, requests, bills, payments).map(t -> {
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("linkedAccounts", t.getT1());
            part.put("linkRequests", t.getT2());
            part.put("bills", t.getT3());
            part.put("payments", t.getT4());
            return part;
        });
    }

    @Override
    public Mono<Void> erase(UUID citizenId) {
        return db.sql("DELETE FROM billing_account_links WHERE citizen_id = :c").bind("c", citizenId).then()
                .then(db.sql("DELETE FROM billing_link_verifications WHERE citizen_id = :c").bind("c", citizenId).then());
    }
}
