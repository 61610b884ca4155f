package city.onestop.billing.account;

import city.onestop.billing.BillingSummaries;
import city.onestop.billing.Money;
import city.onestop.billing.Utility;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@link BillingSummaries} from the bills of the citizen's linked accounts (index {@code billing_account_links_citizen}): statements only. */
@Component
class UnpaidBillRepository implements BillingSummaries {

    private final DatabaseClient db;

    UnpaidBillRepository(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Flux<DueBill> findBillsDueBetween(LocalDate from, LocalDate to) {
        return db.sql("""
                        SELECT b.id, b.account_id, a.utility, b.period, b.total_fen, b.due_date,
                               array(SELECT l.citizen_id FROM billing_account_links l WHERE l.account_id = b.account_id) AS citizens
                        FROM billing_bills b
                        JOIN billing_accounts a ON a.id = b.account_id
                        WHERE b.status = 'ACTIVE' AND b.due_date BETWEEN :from AND :to
                        ORDER BY b.due_date, b.id""")
                .bind("from", from)
                .bind("to", to)
                .map(r -> new DueBill(bill(r), List.of(r.get("citizens", UUID[].class))))
                .all();
    }

    private static UnpaidBill bill(io.r2dbc.spi.Readable r) {
        return new UnpaidBill(r.get("id", UUID.class), r.get("account_id", UUID.class), Utility.valueOf(r.get("utility", String.class)),
                YearMonth.from(r.get("period", LocalDate.class)).toString(), Money.ofFen(r.get("total_fen", Long.class)),
                r.get("due_date", LocalDate.class));
    }

    @Override
    public Mono<List<UnpaidBill>> unpaidBills(UUID citizenId, int limit) {
        return db.sql("""
                        SELECT b.id, b.account_id, a.utility, b.period, b.total_fen, b.due_date
                        FROM billing_account_links l
                        JOIN billing_bills b ON b.account_id = l.account_id
                        JOIN billing_accounts a ON a.id = b.account_id
                        WHERE l.citizen_id = :citizen AND b.status = 'ACTIVE'
                        ORDER BY b.due_date, b.id
                        LIMIT :limit""")
                .bind("citizen", citizenId)
                .bind("limit", Math.max(1, Math.min(limit, 100)))
                .map(UnpaidBillRepository::bill)
                .all()
                .collectList();
    }
}
