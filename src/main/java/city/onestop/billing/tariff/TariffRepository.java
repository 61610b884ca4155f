package city.onestop.billing.tariff;

import city.onestop.billing.Utility;
import city.onestop.billing.BillingError;
import io.r2dbc.spi.Readable;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Effective-dated tariffs in PostgreSQL: the tariff in force for a period, the list, and new versions. Statements only;
 * {@link Tariffs} runs them in its transactions.
 */
@Component
class TariffRepository {

    private final DatabaseClient db;
    private final Clock clock;

    TariffRepository(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** The tariff in force on the first day of {@code period} for its calendar month; empty when none is. */
    Mono<Tariff> findInForce(Utility utility, YearMonth period) {
        return db.sql("""
                        SELECT * FROM billing_tariffs
                        WHERE utility = :utility AND effective_from <= :start AND (effective_to IS NULL OR effective_to > :start)
                          AND :month = ANY (months)
                        ORDER BY effective_from DESC LIMIT 1""")
                .bind("utility", utility.name())
                .bind("start", period.atDay(1))
                .bind("month", period.getMonthValue())
                .map(TariffRepository::header)
                .one()
                .flatMap(this::withBands);
    }

    Mono<Tariff> findById(UUID id) {
        return db.sql("SELECT * FROM billing_tariffs WHERE id = :id").bind("id", id).map(TariffRepository::header).one()
                .flatMap(this::withBands);
    }

    Flux<Tariff> list() {
        return db.sql("SELECT * FROM billing_tariffs ORDER BY utility, effective_from DESC, name")
                .map(TariffRepository::header)
                .all()
                .concatMap(this::withBands);
    }

    /**
     * Adds a tariff version. Open-ended versions of the same utility sharing a month end where this one
     * starts, so exactly one tariff is in force per period.
     */
    Mono<Tariff> create(Tariff request) {
        validate(request);
        List<Band> numbered = new java.util.ArrayList<>();
        for (int i = 0; i < request.bands().size(); i++) {
            Band b = request.bands().get(i);
            numbered.add(new Band(i + 1, b.lower(), b.upper(), b.unitPrice()));
        }
        Tariff draft = new Tariff(null, request.utility(), request.name(), request.unit(), request.months(), request.effectiveFrom(),
                request.effectiveTo(), request.largeHouseholdMinSize(), request.largeHouseholdExtraUnits(), request.note(),
                List.copyOf(numbered));
        UUID id = UUID.randomUUID();
        Integer[] months = draft.months().stream().sorted().toArray(Integer[]::new);
        Mono<Void> closePrevious = db.sql("""
                        UPDATE billing_tariffs SET effective_to = :from
                        WHERE utility = :utility AND effective_from < :from AND (effective_to IS NULL OR effective_to > :from)
                          AND months && :months""")
                .bind("from", draft.effectiveFrom())
                .bind("utility", draft.utility().name())
                .bind("months", months)
                .then();
        var insert = db.sql("""
                        INSERT INTO billing_tariffs (id, utility, name, unit, months, effective_from, effective_to,
                            large_household_min_size, large_household_extra_units, note, created_at)
                        VALUES (:id, :utility, :name, :unit, :months, :from, :to, :minSize, :extra, :note, :now)""")
                .bind("id", id)
                .bind("utility", draft.utility().name())
                .bind("name", draft.name())
                .bind("unit", draft.utility().unit())
                .bind("months", months)
                .bind("from", draft.effectiveFrom())
                .bind("extra", draft.largeHouseholdExtraUnits() == null ? BigDecimal.ZERO : draft.largeHouseholdExtraUnits())
                .bind("now", OffsetDateTime.now(clock));
        insert = draft.effectiveTo() == null ? insert.bindNull("to", LocalDate.class) : insert.bind("to", draft.effectiveTo());
        insert = draft.largeHouseholdMinSize() == null ? insert.bindNull("minSize", Integer.class)
                : insert.bind("minSize", draft.largeHouseholdMinSize());
        insert = draft.note() == null ? insert.bindNull("note", String.class) : insert.bind("note", draft.note());
        Mono<Void> bands = Flux.fromIterable(draft.bands())
                .concatMap(b -> {
                    var spec = db.sql("INSERT INTO billing_tariff_bands (tariff_id, band_no, lower_units, upper_units, unit_price) "
                                    + "VALUES (:id, :no, :lower, :upper, :price)")
                            .bind("id", id)
                            .bind("no", b.number())
                            .bind("lower", b.lower())
                            .bind("price", b.unitPrice());
                    spec = b.upper() == null ? spec.bindNull("upper", BigDecimal.class) : spec.bind("upper", b.upper());
                    return spec.then();
                })
                .then();
        return closePrevious.then(insert.then()).then(bands).then(Mono.defer(() -> findById(id)));
    }

    /** Bands must start at 0, follow each other without gaps, and end open; months must be 1–12. */
    static void validate(Tariff t) {
        if (t.name() == null || t.name().isBlank() || t.utility() == null || t.effectiveFrom() == null) {
            throw invalid("utility, name and effectiveFrom are required");
        }
        if (t.months() == null || t.months().isEmpty() || t.months().stream().anyMatch(m -> m == null || m < 1 || m > 12)) {
            throw invalid("months must list calendar months 1–12");
        }
        if (t.effectiveTo() != null && !t.effectiveTo().isAfter(t.effectiveFrom())) {
            throw invalid("effectiveTo must be after effectiveFrom");
        }
        List<Band> bands = t.bands();
        if (bands == null || bands.isEmpty()) {
            throw invalid("at least one band is required");
        }
        BigDecimal expectedLower = BigDecimal.ZERO;
        for (int i = 0; i < bands.size(); i++) {
            Band b = bands.get(i);
            boolean last = i == bands.size() - 1;
            if (b.lower() == null || b.unitPrice() == null || b.unitPrice().signum() < 0 || b.unitPrice().scale() > 8) {
                throw invalid("band " + (i + 1) + ": lower and a non-negative unitPrice (at most 8 decimals) are required");
            }
            if (b.lower().compareTo(expectedLower) != 0) {
                throw invalid("band " + (i + 1) + " must start at " + expectedLower.toPlainString());
            }
            if (last != (b.upper() == null)) {
                throw invalid("only the last band is open-ended (no upper)");
            }
            if (!last && b.upper().compareTo(b.lower()) <= 0) {
                throw invalid("band " + (i + 1) + ": upper must be above lower");
            }
            expectedLower = b.upper();
        }
        if (t.largeHouseholdExtraUnits() != null && t.largeHouseholdExtraUnits().signum() < 0) {
            throw invalid("largeHouseholdExtraUnits must not be negative");
        }
    }

    private static BillingError invalid(String detail) {
        return new BillingError.InvalidTariff(detail);
    }

    private Mono<Tariff> withBands(Tariff header) {
        return db.sql("SELECT band_no, lower_units, upper_units, unit_price FROM billing_tariff_bands WHERE tariff_id = :id ORDER BY band_no")
                .bind("id", header.id())
                .map(r -> new Band(r.get("band_no", Integer.class), r.get("lower_units", BigDecimal.class),
                        r.get("upper_units", BigDecimal.class), r.get("unit_price", BigDecimal.class)))
                .all()
                .collectList()
                .map(bands -> new Tariff(header.id(), header.utility(), header.name(), header.unit(), header.months(),
                        header.effectiveFrom(), header.effectiveTo(), header.largeHouseholdMinSize(),
                        header.largeHouseholdExtraUnits(), header.note(), List.copyOf(bands)));
    }

    private static Tariff header(Readable r) {
        Integer[] months = r.get("months", Integer[].class);
        Set<Integer> monthSet = new TreeSet<>(Arrays.asList(months == null ? new Integer[0] : months));
        return new Tariff(r.get("id", UUID.class), Utility.valueOf(r.get("utility", String.class)), r.get("name", String.class),
                r.get("unit", String.class), java.util.Collections.unmodifiableSet(monthSet), r.get("effective_from", LocalDate.class),
                r.get("effective_to", LocalDate.class), r.get("large_household_min_size", Integer.class),
                r.get("large_household_extra_units", BigDecimal.class), r.get("note", String.class), List.of());
    }
}
