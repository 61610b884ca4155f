package city.onestop.participation.cases;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The working-day calendar from {@code participation_calendar_days}, read once and kept (a few dozen rows a year). */
@Component
public class CalendarStore {

    private final Mono<WorkingCalendar> calendar;

    CalendarStore(DatabaseClient db) {
        Mono<Map<LocalDate, Boolean>> days = db.sql("SELECT day, kind FROM participation_calendar_days")
                .map(row -> Map.entry(row.get("day", LocalDate.class), "WORKDAY".equals(row.get("kind", String.class))))
                .all()
                .collect(HashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()));
        Mono<Set<Integer>> years = db.sql("SELECT year FROM participation_calendar_years")
                .map(row -> row.get("year", Integer.class))
                .all()
                .collect(HashSet::new, Set::add);
        // Cached on success only: a failed first read (database still starting) is tried again next time.
        this.calendar = Mono.zip(days, years, WorkingCalendar::new).cache(c -> java.time.Duration.ofDays(3650),
                e -> java.time.Duration.ZERO, () -> java.time.Duration.ZERO);
    }

    public Mono<WorkingCalendar> calendar() {
        return calendar;
    }
}
