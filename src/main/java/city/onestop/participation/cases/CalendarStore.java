package city.onestop.participation.cases;

import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The working-day calendar from {@code participation_calendar_days} (a few dozen rows a year), kept in memory. An
 * admin loads a year when the State Council publishes it ({@link #replaceYear}): this instance reads it again at
 * once, every other instance within {@link #KEPT} (a calendar changes once a year, a few minutes do not matter).
 */
@Component
public class CalendarStore {

    /** How long an instance keeps the calendar it read before reading it again. */
    static final Duration KEPT = Duration.ofMinutes(10);

    /** One listed day: a holiday (or a day off in lieu) or a weekend day worked in exchange (调休上班). */
    public record Day(LocalDate date, String kind, String name) {}

    public record Year(int year, String source, List<Day> days) {}

    private final DatabaseClient db;
    private final AtomicReference<Mono<WorkingCalendar>> calendar = new AtomicReference<>();

    CalendarStore(DatabaseClient db) {
        this.db = db;
        calendar.set(load());
    }

    private Mono<WorkingCalendar> load() {
        Mono<Map<LocalDate, Boolean>> days = db.sql("SELECT day, kind FROM participation_calendar_days")
                .map(row -> Map.entry(row.get("day", LocalDate.class), "WORKDAY".equals(row.get("kind", String.class))))
                .all()
                .collect(HashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()));
        Mono<Set<Integer>> years = db.sql("SELECT year FROM participation_calendar_years")
                .map(row -> row.get("year", Integer.class))
                .all()
                .collect(HashSet::new, Set::add);
        // Cached on success only: a failed first read (database still starting) is tried again next time.
        return Mono.zip(days, years, WorkingCalendar::new).cache(c -> KEPT, e -> Duration.ZERO, () -> Duration.ZERO);
    }

    public Mono<WorkingCalendar> calendar() {
        return calendar.get();
    }

    /** The listed days of a year and where they come from; empty when the year is not loaded. */
    public Mono<Year> year(int year) {
        return db.sql("SELECT source FROM participation_calendar_years WHERE year = :y")
                .bind("y", year)
                .map(row -> row.get("source", String.class))
                .one()
                .flatMap(source -> db.sql("""
                                SELECT day, kind, name FROM participation_calendar_days
                                WHERE day >= make_date(:y, 1, 1) AND day < make_date(:y + 1, 1, 1) ORDER BY day""")
                        .bind("y", year)
                        .map(row -> new Day(row.get("day", LocalDate.class), row.get("kind", String.class), row.get("name", String.class)))
                        .all()
                        .collectList()
                        .map(days -> new Year(year, source, days)));
    }

    /**
     * Replaces a year's listed days (inside the caller's transaction); this instance's calendar is read again once the
     * caller calls {@link #forget} after the commit.
     */
    public Mono<Void> replaceYear(Year year) {
        Mono<Void> clear = db.sql("DELETE FROM participation_calendar_days WHERE day >= make_date(:y, 1, 1) AND day < make_date(:y + 1, 1, 1)")
                .bind("y", year.year())
                .then();
        Mono<Void> source = db.sql("""
                        INSERT INTO participation_calendar_years (year, source) VALUES (:y, :s)
                        ON CONFLICT (year) DO UPDATE SET source = EXCLUDED.source""")
                .bind("y", year.year())
                .bind("s", year.source())
                .then();
        Mono<Void> days = Flux.fromIterable(year.days())
                .concatMap(d -> db.sql("INSERT INTO participation_calendar_days (day, kind, name) VALUES (:d, :k, :n)")
                        .bind("d", d.date())
                        .bind("k", d.kind())
                        .bind("n", d.name())
                        .then())
                .then();
        return clear.then(source).then(days);
    }

    /** Drops this instance's copy: the next deadline reads the calendar again. */
    public void forget() {
        calendar.set(load());
    }
}
