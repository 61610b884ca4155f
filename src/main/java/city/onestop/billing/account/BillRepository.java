package city.onestop.billing.account;

import city.onestop.billing.Money;
import city.onestop.billing.Utility;
import city.onestop.billing.tariff.Charge;
import io.r2dbc.spi.Readable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code billing_bills} and {@code billing_bill_lines} rows: statements only, run inside the use cases' transactions. */
@Component
class BillRepository {

    private static final String BILL = """
            SELECT b.id, b.account_id, a.utility, a.account_number, b.period, b.usage, b.total_fen, b.currency, b.status, b.due_date
            FROM billing_bills b JOIN billing_accounts a ON a.id = b.account_id""";

    private final DatabaseClient db;

    BillRepository(DatabaseClient db) {
        this.db = db;
    }

    /** A bill to write for one reading. */
    record NewBill(UUID id, UUID accountId, YearMonth period, UUID readingId, UUID tariffId, BigDecimal usage, Charge charge,
            LocalDate dueDate, OffsetDateTime createdAt) {}

    /**
     * Writes the ACTIVE bill and its lines; false (nothing written) when the account already has a live bill for the
     * period: the partial unique index {@code billing_bills_one_active} decides, so concurrent or repeated runs are safe.
     */
    Mono<Boolean> insert(NewBill bill) {
        return db.sql("""
                        INSERT INTO billing_bills (id, account_id, period, reading_id, tariff_id, usage, total_fen, currency, status,
                            due_date, created_at)
                        VALUES (:id, :a, :p, :r, :t, :usage, :total, 'CNY', 'ACTIVE', :due, :now)
                        ON CONFLICT (account_id, period) WHERE status IN ('ACTIVE', 'PAID') DO NOTHING
                        RETURNING id""")
                .bind("id", bill.id())
                .bind("a", bill.accountId())
                .bind("p", bill.period().atDay(1))
                .bind("r", bill.readingId())
                .bind("t", bill.tariffId())
                .bind("usage", bill.usage())
                .bind("total", bill.charge().totalFen())
                .bind("due", bill.dueDate())
                .bind("now", bill.createdAt())
                .map(row -> row.get("id", UUID.class))
                .one()
                .flatMap(billId -> Flux.range(0, bill.charge().lines().size())
                        .concatMap(i -> {
                            Charge.Line l = bill.charge().lines().get(i);
                            return db.sql("INSERT INTO billing_bill_lines (bill_id, line_no, description, quantity, unit, unit_price, amount_fen) "
                                            + "VALUES (:b, :n, :d, :q, :u, :price, :amount)")
                                    .bind("b", billId)
                                    .bind("n", i + 1)
                                    .bind("d", l.description())
                                    .bind("q", l.quantity())
                                    .bind("u", l.unit())
                                    .bind("price", l.unitPrice())
                                    .bind("amount", l.amountFen())
                                    .then();
                        })
                        .then(Mono.just(true)))
                .defaultIfEmpty(false);
    }

    /** The citizens linked to the account (whom a new bill is announced to). */
    Mono<List<UUID>> listLinkedCitizens(UUID accountId) {
        return db.sql("SELECT citizen_id FROM billing_account_links WHERE account_id = :a")
                .bind("a", accountId)
                .map(r -> r.get("citizen_id", UUID.class))
                .all()
                .collectList();
    }

    /** Filters of a citizen's bill list; null is "any". */
    record Filter(@Nullable String status, @Nullable UUID accountId, @Nullable LocalDate period) {}

    /** Where a page of bills starts: after this (period, id), newest period first. */
    record After(LocalDate period, UUID id) {}

    /** Up to {@code limit} bills of accounts linked to the citizen, newest period first. */
    Mono<List<BillView>> listLinked(UUID citizen, Filter filter, @Nullable After after, int limit) {
        StringBuilder sql = new StringBuilder(BILL).append(
                " JOIN billing_account_links l ON l.account_id = b.account_id WHERE l.citizen_id = :citizen");
        List<Object[]> binds = new ArrayList<>();
        binds.add(new Object[] {"citizen", citizen});
        if (filter.status() != null) {
            sql.append(" AND b.status = :status");
            binds.add(new Object[] {"status", filter.status()});
        }
        if (filter.accountId() != null) {
            sql.append(" AND b.account_id = :account");
            binds.add(new Object[] {"account", filter.accountId()});
        }
        if (filter.period() != null) {
            sql.append(" AND b.period = :period");
            binds.add(new Object[] {"period", filter.period()});
        }
        if (after != null) {
            binds.add(new Object[] {"cPeriod", after.period()});
            binds.add(new Object[] {"cId", after.id()});
            sql.append(" AND (b.period, b.id) < (:cPeriod, :cId)");
        }
        sql.append(" ORDER BY b.period DESC, b.id DESC LIMIT :limit");
        binds.add(new Object[] {"limit", limit});
        var spec = db.sql(sql.toString());
        for (Object[] b : binds) {
            spec = spec.bind((String) b[0], b[1]);
        }
        return spec.map(BillRepository::bill).all().collectList();
    }

    /** The bill (without lines) if its account is linked to the citizen. */
    Mono<BillView> findLinked(UUID citizen, UUID billId) {
        return db.sql(BILL + " JOIN billing_account_links l ON l.account_id = b.account_id WHERE l.citizen_id = :citizen AND b.id = :id")
                .bind("citizen", citizen)
                .bind("id", billId)
                .map(BillRepository::bill)
                .one();
    }

    Mono<BillView> find(UUID billId) {
        return db.sql(BILL + " WHERE b.id = :id").bind("id", billId).map(BillRepository::bill).one();
    }

    Mono<List<BillView.Line>> listLines(UUID billId) {
        return db.sql("SELECT description, quantity, unit, unit_price, amount_fen FROM billing_bill_lines WHERE bill_id = :b ORDER BY line_no")
                .bind("b", billId)
                .map(r -> new BillView.Line(r.get("description", String.class), r.get("quantity", BigDecimal.class),
                        r.get("unit", String.class), r.get("unit_price", BigDecimal.class), Money.ofFen(r.get("amount_fen", Long.class))))
                .all()
                .collectList();
    }

    /** The bill's status, its row locked until the transaction ends (the lock a new payment takes too). */
    Mono<String> lockStatus(UUID billId) {
        return db.sql("SELECT status FROM billing_bills WHERE id = :id FOR UPDATE")
                .bind("id", billId)
                .map(r -> r.get("status", String.class))
                .one();
    }

    /** Whether the bill has a CREATED, PENDING or UNKNOWN payment. */
    Mono<Boolean> hasOpenPayment(UUID billId) {
        return db.sql("SELECT EXISTS (SELECT 1 FROM billing_payments WHERE bill_id = :id AND status IN ('CREATED', 'PENDING', 'UNKNOWN')) "
                        + "AS open")
                .bind("id", billId)
                .map(r -> Boolean.TRUE.equals(r.get("open", Boolean.class)))
                .one();
    }

    Mono<Void> markCancelled(UUID billId) {
        return db.sql("UPDATE billing_bills SET status = 'CANCELLED' WHERE id = :id").bind("id", billId).then();
    }

    static BillView bill(Readable r) {
        return new BillView(r.get("id", UUID.class), r.get("account_id", UUID.class), Utility.valueOf(r.get("utility", String.class)),
                r.get("account_number", String.class), YearMonth.from(r.get("period", LocalDate.class)).toString(),
                r.get("usage", BigDecimal.class), Money.ofFen(r.get("total_fen", Long.class)), r.get("status", String.class),
                r.get("due_date", LocalDate.class), null);
    }
}
