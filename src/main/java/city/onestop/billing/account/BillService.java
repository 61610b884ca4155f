package city.onestop.billing.account;

import city.onestop.billing.Money;
import city.onestop.billing.Utility;
import city.onestop.billing.tariff.Charge;
import city.onestop.billing.tariff.Tariff;
import city.onestop.billing.tariff.TariffCalculator;
import city.onestop.billing.tariff.TariffRepository;
import city.onestop.platform.Cursors;
import city.onestop.platform.Keyset;
import city.onestop.platform.Page;
import city.onestop.platform.ProblemException;
import io.r2dbc.spi.Readable;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Meter readings, bill generation from the tariff in force, and the bills citizens see. */
@Service
public class BillService {

    private static final String BILL = """
            SELECT b.id, b.account_id, a.utility, a.account_number, b.period, b.usage, b.total_fen, b.currency, b.status, b.due_date
            FROM billing_bills b JOIN billing_accounts a ON a.id = b.account_id""";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final TariffRepository tariffs;
    private final Clock clock;
    private final BillingSettings settings;
    private final city.onestop.platform.Outbox outbox;

    BillService(DatabaseClient db, ReactiveTransactionManager txManager, TariffRepository tariffs, Clock clock,
            BillingSettings settings, city.onestop.platform.Outbox outbox) {
        this.outbox = outbox;
        this.db = db;
        this.tx = TransactionalOperator.create(txManager);
        this.tariffs = tariffs;
        this.clock = clock;
        this.settings = settings;
    }

    public record ReadingRequest(Utility utility, String accountNumber, String period, BigDecimal reading, MeterStatus meterStatus) {}

    /** Records one reading (operator). */
    public Mono<ReadingView> recordReading(ReadingRequest request) {
        return Mono.defer(() -> insertReading(request)).as(tx::transactional);
    }

    /** Records a batch of readings in one transaction: any bad reading rejects the batch, naming its index. */
    public Mono<List<ReadingView>> recordReadings(List<ReadingRequest> requests) {
        if (requests == null || requests.isEmpty() || requests.size() > 10_000) {
            return Mono.error(ProblemException.badRequest("INVALID_BATCH", "readings must hold 1 to 10000 readings"));
        }
        return Flux.range(0, requests.size())
                .concatMap(i -> Mono.defer(() -> insertReading(requests.get(i))).onErrorMap(ProblemException.class,
                        p -> new ProblemException(p.status(), p.code(), p.title(), "readings[" + i + "]: " + p.getMessage(),
                                Map.of("index", i))))
                .collectList()
                .as(tx::transactional);
    }

    private Mono<ReadingView> insertReading(ReadingRequest r) {
        if (r == null || r.utility() == null || r.accountNumber() == null || r.meterStatus() == null || r.reading() == null) {
            return Mono.error(ProblemException.badRequest("INVALID_READING",
                    "utility, accountNumber, period, reading and meterStatus are required"));
        }
        if (r.reading().signum() < 0 || r.reading().scale() > 3 || r.reading().precision() - r.reading().scale() > 11) {
            return Mono.error(ProblemException.badRequest("INVALID_READING",
                    "reading must be a non-negative number with at most 3 decimals"));
        }
        YearMonth period = Periods.parse(r.period());
        if (period.isAfter(currentPeriod())) {
            return Mono.error(new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "PERIOD_IN_FUTURE", "Period in the future",
                    "A reading for " + period + " cannot be recorded before that month starts"));
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        // Lock the account row so readings of one account are checked against their predecessor one at a time.
        return db.sql("SELECT id, initial_reading FROM billing_accounts WHERE utility = :utility AND account_number = :number FOR UPDATE")
                .bind("utility", r.utility().name())
                .bind("number", r.accountNumber())
                .map(row -> new Object[] {row.get("id", UUID.class), row.get("initial_reading", BigDecimal.class)})
                .one()
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Account", r.utility() + " " + r.accountNumber())))
                .flatMap(acc -> {
                    UUID accountId = (UUID) acc[0];
                    return db.sql("SELECT reading FROM billing_meter_readings WHERE account_id = :a AND period < :p "
                                    + "ORDER BY period DESC LIMIT 1")
                            .bind("a", accountId)
                            .bind("p", period.atDay(1))
                            .map(row -> row.get("reading", BigDecimal.class))
                            .one()
                            .defaultIfEmpty((BigDecimal) acc[1])
                            .flatMap(previous -> {
                                if (r.reading().compareTo(previous) < 0 && !r.meterStatus().restartsCount()) {
                                    return Mono.error(new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "READING_BELOW_PREVIOUS",
                                            "Reading below previous", "The reading " + r.reading().toPlainString()
                                                    + " is lower than the previous " + previous.toPlainString()
                                                    + "; only a RESET or REPLACED meter may go back"));
                                }
                                BigDecimal usage = r.meterStatus().restartsCount() ? r.reading() : r.reading().subtract(previous);
                                UUID id = UUID.randomUUID();
                                return db.sql("""
                                                INSERT INTO billing_meter_readings (id, account_id, period, reading, usage, meter_status, recorded_at)
                                                VALUES (:id, :a, :p, :reading, :usage, :status, :now)""")
                                        .bind("id", id)
                                        .bind("a", accountId)
                                        .bind("p", period.atDay(1))
                                        .bind("reading", r.reading())
                                        .bind("usage", usage)
                                        .bind("status", r.meterStatus().name())
                                        .bind("now", now)
                                        .then()
                                        .thenReturn(new ReadingView(id, accountId, r.utility(), r.accountNumber(), period.toString(),
                                                r.reading(), usage, r.meterStatus(), now));
                            });
                })
                .onErrorMap(DataIntegrityViolationException.class, e -> ProblemException.conflict("READING_EXISTS",
                        "The account already has a reading for " + period));
    }

    public record GenerationResult(String period, int generated, int skipped) {}

    /**
     * Generates a bill for every reading of the period that has no live bill yet. The partial unique index
     * makes concurrent or repeated runs safe: a second bill for the same account and period is never written.
     */
    public Mono<GenerationResult> generate(YearMonth period, Utility only) {
        if (period.isAfter(currentPeriod())) {
            return Mono.error(new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "PERIOD_IN_FUTURE", "Period in the future",
                    "Bills for " + period + " cannot be generated before that month starts"));
        }
        List<Utility> utilities = only == null ? List.of(Utility.values()) : List.of(only);
        return Flux.fromIterable(utilities)
                .concatMap(u -> db.sql("SELECT count(*) AS n FROM billing_meter_readings r JOIN billing_accounts a ON a.id = r.account_id "
                                + "WHERE r.period = :p AND a.utility = :u")
                        .bind("p", period.atDay(1))
                        .bind("u", u.name())
                        .map(row -> ((Number) row.get("n")).longValue())
                        .one()
                        .filter(n -> n > 0)
                        .flatMap(n -> tariffs.findInForce(u, period)
                                .switchIfEmpty(Mono.error(() -> new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT,
                                        "NO_TARIFF_IN_FORCE", "No tariff in force",
                                        "No " + u + " tariff is in force for " + period))))
                        .map(t -> Map.entry(u, t)))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, () -> new EnumMap<>(Utility.class))
                .flatMap(inForce -> db.sql("""
                                SELECT r.id, r.account_id, r.usage, a.utility, a.household_size
                                FROM billing_meter_readings r JOIN billing_accounts a ON a.id = r.account_id
                                WHERE r.period = :p AND a.utility = ANY (:utilities)""")
                        .bind("p", period.atDay(1))
                        .bind("utilities", utilities.stream().map(Utility::name).toArray(String[]::new))
                        .map(row -> new Pending(row.get("id", UUID.class), row.get("account_id", UUID.class),
                                row.get("usage", BigDecimal.class), Utility.valueOf(row.get("utility", String.class)),
                                row.get("household_size", Integer.class)))
                        .all()
                        .flatMap(p -> createBill(p, period, inForce.get(p.utility())), 4)
                        .reduce(new int[2], (acc, created) -> {
                            acc[created ? 0 : 1]++;
                            return acc;
                        })
                        .map(acc -> new GenerationResult(period.toString(), acc[0], acc[1])));
    }

    private Mono<Boolean> createBill(Pending p, YearMonth period, Tariff tariff) {
        Charge charge = TariffCalculator.charge(tariff, p.usage(), p.household());
        UUID id = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(clock);
        LocalDate due = now.atZoneSameInstant(settings.zone()).plus(settings.dueAfter()).toLocalDate();
        return db.sql("""
                        INSERT INTO billing_bills (id, account_id, period, reading_id, tariff_id, usage, total_fen, currency, status,
                            due_date, created_at)
                        VALUES (:id, :a, :p, :r, :t, :usage, :total, 'CNY', 'ACTIVE', :due, :now)
                        ON CONFLICT (account_id, period) WHERE status IN ('ACTIVE', 'PAID') DO NOTHING
                        RETURNING id""")
                .bind("id", id)
                .bind("a", p.accountId())
                .bind("p", period.atDay(1))
                .bind("r", p.readingId())
                .bind("t", tariff.id())
                .bind("usage", p.usage())
                .bind("total", charge.totalFen())
                .bind("due", due)
                .bind("now", now)
                .map(row -> row.get("id", UUID.class))
                .one()
                .flatMap(billId -> Flux.range(0, charge.lines().size())
                        .concatMap(i -> {
                            Charge.Line l = charge.lines().get(i);
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
                .defaultIfEmpty(false)
                .flatMap(created -> created ? announceIssued(id, p, period, charge.totalFen(), due).thenReturn(true) : Mono.just(false))
                .as(tx::transactional);
    }

    /** In the bill's transaction: tells the citizens linked to the account now, through the outbox. */
    private Mono<Void> announceIssued(UUID billId, Pending p, YearMonth period, long totalFen, LocalDate due) {
        return db.sql("SELECT citizen_id FROM billing_account_links WHERE account_id = :a")
                .bind("a", p.accountId())
                .map(r -> r.get("citizen_id", UUID.class))
                .all()
                .collectList()
                .flatMap(citizens -> outbox.append(new city.onestop.billing.BillIssued(billId, p.accountId(), p.utility(),
                        period.toString(), Money.ofFen(totalFen), due, List.copyOf(citizens))))
                .then();
    }

    /** Bills of accounts linked to the citizen, newest period first. */
    public Mono<Page<BillView>> listLinked(UUID citizen, String status, UUID accountId, String period, Integer limit, String cursor) {
        int n = Cursors.limit(limit);
        StringBuilder sql = new StringBuilder(BILL).append(
                " JOIN billing_account_links l ON l.account_id = b.account_id WHERE l.citizen_id = :citizen");
        List<Object[]> binds = new ArrayList<>();
        binds.add(new Object[] {"citizen", citizen});
        if (status != null) {
            if (!List.of("ACTIVE", "PAID", "EXPIRED", "CANCELLED").contains(status)) {
                return Mono.error(ProblemException.badRequest("INVALID_STATUS", "status must be ACTIVE, PAID, EXPIRED or CANCELLED"));
            }
            sql.append(" AND b.status = :status");
            binds.add(new Object[] {"status", status});
        }
        if (accountId != null) {
            sql.append(" AND b.account_id = :account");
            binds.add(new Object[] {"account", accountId});
        }
        if (period != null) {
            sql.append(" AND b.period = :period");
            binds.add(new Object[] {"period", Periods.parse(period).atDay(1)});
        }
        Keyset.Position after;
        try {
            after = Keyset.decode(cursor);
        } catch (ProblemException e) {
            return Mono.error(e);
        }
        if (after != null) {
            try {
                binds.add(new Object[] {"cPeriod", after.date()});
                binds.add(new Object[] {"cId", after.uuid()});
            } catch (ProblemException e) {
                return Mono.error(e);
            }
            sql.append(" AND (b.period, b.id) < (:cPeriod, :cId)");
        }
        sql.append(" ORDER BY b.period DESC, b.id DESC LIMIT :limit");
        binds.add(new Object[] {"limit", n + 1});
        var spec = db.sql(sql.toString());
        for (Object[] b : binds) {
            spec = spec.bind((String) b[0], b[1]);
        }
        return spec.map(BillService::bill).all().collectList().map(items -> Page.of(items, n,
                last -> Keyset.position(YearMonth.parse(last.period()).atDay(1), last.id())));
    }

    /** The bill with its lines if its account is linked to the citizen; 404 otherwise. */
    public Mono<BillView> getLinked(UUID citizen, UUID billId) {
        return findLinked(citizen, billId)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Bill", billId.toString())))
                .flatMap(bill -> db.sql("SELECT description, quantity, unit, unit_price, amount_fen FROM billing_bill_lines "
                                + "WHERE bill_id = :b ORDER BY line_no")
                        .bind("b", billId)
                        .map(r -> new BillView.Line(r.get("description", String.class), r.get("quantity", BigDecimal.class),
                                r.get("unit", String.class), r.get("unit_price", BigDecimal.class),
                                Money.ofFen(r.get("amount_fen", Long.class))))
                        .all()
                        .collectList()
                        .map(bill::withLines));
    }

    /**
     * Cancels an unpaid bill (operator), e.g. after a misread meter; a new bill for the period may then be
     * generated from a corrected reading. The bill row is locked first, like a new payment does, so a bill
     * is never cancelled while a payment of it is open, nor paid once cancelled.
     */
    public Mono<BillView> cancel(UUID billId) {
        return db.sql("SELECT status FROM billing_bills WHERE id = :id FOR UPDATE")
                .bind("id", billId)
                .map(r -> r.get("status", String.class))
                .one()
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Bill", billId.toString())))
                .flatMap(status -> !"ACTIVE".equals(status)
                        ? Mono.error(ProblemException.conflict("BILL_NOT_CANCELLABLE", "This bill is " + status + "; only an ACTIVE bill can be cancelled"))
                        : db.sql("SELECT count(*) AS n FROM billing_payments WHERE bill_id = :id AND status IN ('CREATED', 'PENDING', 'UNKNOWN')")
                                .bind("id", billId)
                                .map(r -> ((Number) r.get("n")).longValue())
                                .one())
                .flatMap(open -> open > 0
                        ? Mono.error(ProblemException.conflict("PAYMENT_IN_PROGRESS", "A payment of this bill is in progress"))
                        : db.sql("UPDATE billing_bills SET status = 'CANCELLED' WHERE id = :id").bind("id", billId).then())
                .then(Mono.defer(() -> db.sql(BILL + " WHERE b.id = :id").bind("id", billId).map(BillService::bill).one()))
                .as(tx::transactional);
    }

    /** The bill (without lines) if its account is linked to the citizen. */
    public Mono<BillView> findLinked(UUID citizen, UUID billId) {
        return db.sql(BILL + " JOIN billing_account_links l ON l.account_id = b.account_id WHERE l.citizen_id = :citizen AND b.id = :id")
                .bind("citizen", citizen)
                .bind("id", billId)
                .map(BillService::bill)
                .one();
    }

    private YearMonth currentPeriod() {
        return YearMonth.now(clock.withZone(settings.zone()));
    }

    static BillView bill(Readable r) {
        return new BillView(r.get("id", UUID.class), r.get("account_id", UUID.class), Utility.valueOf(r.get("utility", String.class)),
                r.get("account_number", String.class), YearMonth.from(r.get("period", LocalDate.class)).toString(),
                r.get("usage", BigDecimal.class), Money.ofFen(r.get("total_fen", Long.class)), r.get("status", String.class),
                r.get("due_date", LocalDate.class), null);
    }

    private record Pending(UUID readingId, UUID accountId, BigDecimal usage, Utility utility, int household) {}
}
