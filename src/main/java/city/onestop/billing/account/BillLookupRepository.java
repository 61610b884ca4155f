package city.onestop.billing.account;

import city.onestop.billing.Money;
import city.onestop.billing.Utility;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The {@code billing_bill_lookups} rows and the reads paying for someone else needs: statements only, for {@link PayForOthers}. */
@Component
class BillLookupRepository {

    private final DatabaseClient db;

    BillLookupRepository(DatabaseClient db) {
        this.db = db;
    }

    /** An ACTIVE account by utility and number. */
    Mono<UUID> findActiveAccount(Utility utility, String accountNumber) {
        return db.sql("SELECT id FROM billing_accounts WHERE utility = :u AND account_number = :n AND status = 'ACTIVE'")
                .bind("u", utility.name())
                .bind("n", accountNumber)
                .map(r -> r.get("id", UUID.class))
                .one();
    }

    /** The account's ACTIVE bills, oldest period first, the holder's name masked. */
    Mono<List<PayForOthers.PayableBill>> listOpenBills(UUID accountId) {
        return db.sql("""
                        SELECT b.id, a.utility, a.account_number, a.holder_name, b.period, b.total_fen, b.due_date
                        FROM billing_bills b JOIN billing_accounts a ON a.id = b.account_id
                        WHERE b.account_id = :a AND b.status = 'ACTIVE' ORDER BY b.period""")
                .bind("a", accountId)
                .map(r -> new PayForOthers.PayableBill(r.get("id", UUID.class), Utility.valueOf(r.get("utility", String.class)),
                        r.get("account_number", String.class), PayForOthers.maskName(r.get("holder_name", String.class)),
                        YearMonth.from(r.get("period", LocalDate.class)).toString(), Money.ofFen(r.get("total_fen", Long.class)),
                        r.get("due_date", LocalDate.class)))
                .all()
                .collectList();
    }

    /** Forgets the citizen's lookups older than {@code before} and remembers these bills as looked up at {@code now}. */
    Mono<Void> remember(UUID citizen, List<UUID> billIds, Instant now, Instant before) {
        Mono<Void> forget = db.sql("DELETE FROM billing_bill_lookups WHERE citizen_id = :c AND looked_up_at < :before")
                .bind("c", citizen)
                .bind("before", before.atOffset(ZoneOffset.UTC))
                .then();
        if (billIds.isEmpty()) return forget;
        return forget.then(db.sql("""
                        INSERT INTO billing_bill_lookups (citizen_id, bill_id, looked_up_at)
                        SELECT :c, unnest(:bills), :now
                        ON CONFLICT (citizen_id, bill_id) DO UPDATE SET looked_up_at = EXCLUDED.looked_up_at""")
                .bind("c", citizen)
                .bind("bills", billIds.toArray(UUID[]::new))
                .bind("now", now.atOffset(ZoneOffset.UTC))
                .then());
    }

    /** The bill, when it is linked to one of the citizen's accounts or was looked up by them since {@code since}. */
    Mono<UUID> findPayable(UUID citizen, UUID billId, Instant since) {
        return db.sql("""
                        SELECT b.id FROM billing_bills b
                        WHERE b.id = :id AND (
                            EXISTS (SELECT 1 FROM billing_account_links l WHERE l.account_id = b.account_id AND l.citizen_id = :c)
                            OR EXISTS (SELECT 1 FROM billing_bill_lookups k
                                       WHERE k.bill_id = b.id AND k.citizen_id = :c AND k.looked_up_at >= :since))""")
                .bind("id", billId)
                .bind("c", citizen)
                .bind("since", since.atOffset(ZoneOffset.UTC))
                .map(r -> r.get("id", UUID.class))
                .one();
    }
}
