package city.onestop.billing.account;

import city.onestop.billing.BillingError;
import city.onestop.billing.Utility;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.List;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code billing_meter_readings} rows: statements only, run inside the transactions of {@link Readings} and {@link BillRuns}. */
@Component
class ReadingRepository {

    private final DatabaseClient db;

    ReadingRepository(DatabaseClient db) {
        this.db = db;
    }

    /** An account as a reading needs it: its id and the meter's reading when it was opened. */
    record MeteredAccount(UUID id, BigDecimal initialReading) {}

    /** A reading of a period waiting for its bill. */
    record Unbilled(UUID readingId, UUID accountId, BigDecimal usage, Utility utility, int household) {}

    /**
     * The account, its row locked until the transaction ends, so readings of one account are checked against their
     * predecessor one at a time.
     */
    Mono<MeteredAccount> lockAccount(Utility utility, String accountNumber) {
        return db.sql("SELECT id, initial_reading FROM billing_accounts WHERE utility = :utility AND account_number = :number FOR UPDATE")
                .bind("utility", utility.name())
                .bind("number", accountNumber)
                .map(row -> new MeteredAccount(row.get("id", UUID.class), row.get("initial_reading", BigDecimal.class)))
                .one();
    }

    /** The latest reading of a period before {@code period}; empty when there is none. */
    Mono<BigDecimal> findPrevious(UUID accountId, YearMonth period) {
        return db.sql("SELECT reading FROM billing_meter_readings WHERE account_id = :a AND period < :p ORDER BY period DESC LIMIT 1")
                .bind("a", accountId)
                .bind("p", period.atDay(1))
                .map(row -> row.get("reading", BigDecimal.class))
                .one();
    }

    /** Writes the reading; {@code ReadingExists} when the account has one for the period. */
    Mono<Void> insert(UUID id, UUID accountId, YearMonth period, BigDecimal reading, BigDecimal usage, MeterStatus status,
            OffsetDateTime now) {
        return db.sql("""
                        INSERT INTO billing_meter_readings (id, account_id, period, reading, usage, meter_status, recorded_at)
                        VALUES (:id, :a, :p, :reading, :usage, :status, :now)""")
                .bind("id", id)
                .bind("a", accountId)
                .bind("p", period.atDay(1))
                .bind("reading", reading)
                .bind("usage", usage)
                .bind("status", status.name())
                .bind("now", now)
                .then()
                .onErrorMap(DataIntegrityViolationException.class, e -> new BillingError.ReadingExists(period.toString()));
    }

    /** Whether any account of the utility has a reading for the period. */
    Mono<Boolean> anyFor(YearMonth period, Utility utility) {
        return db.sql("SELECT EXISTS (SELECT 1 FROM billing_meter_readings r JOIN billing_accounts a ON a.id = r.account_id "
                        + "WHERE r.period = :p AND a.utility = :u) AS found")
                .bind("p", period.atDay(1))
                .bind("u", utility.name())
                .map(row -> Boolean.TRUE.equals(row.get("found", Boolean.class)))
                .one();
    }

    /** Every reading of the period for these utilities (billed or not: the bill's insert decides). */
    Flux<Unbilled> listFor(YearMonth period, List<Utility> utilities) {
        return db.sql("""
                        SELECT r.id, r.account_id, r.usage, a.utility, a.household_size
                        FROM billing_meter_readings r JOIN billing_accounts a ON a.id = r.account_id
                        WHERE r.period = :p AND a.utility = ANY (:utilities)""")
                .bind("p", period.atDay(1))
                .bind("utilities", utilities.stream().map(Utility::name).toArray(String[]::new))
                .map(row -> new Unbilled(row.get("id", UUID.class), row.get("account_id", UUID.class), row.get("usage", BigDecimal.class),
                        Utility.valueOf(row.get("utility", String.class)), row.get("household_size", Integer.class)))
                .all();
    }
}
