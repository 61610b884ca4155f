package city.onestop.participation.cases;

import city.onestop.platform.AuditLog;
import city.onestop.platform.Role;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** An admin loads or replaces a year of the working-day calendar: the days and the audit row in one transaction. */
@Service
public class Calendars {

    private final CalendarStore calendars;
    private final AuditLog audit;
    private final TransactionalOperator tx;

    Calendars(CalendarStore calendars, AuditLog audit, TransactionalOperator tx) {
        this.calendars = calendars;
        this.audit = audit;
        this.tx = tx;
    }

    /** A loaded year; empty when it was never loaded. */
    public Mono<CalendarStore.Year> findYear(int year) {
        return calendars.year(year);
    }

    /** Replaces the year (already checked), then forgets this instance's copy so deadlines use it at once; the year as stored. */
    public Mono<CalendarStore.Year> replaceYear(UUID admin, CalendarStore.Year checked) {
        return calendars.replaceYear(checked)
                .then(audit.record(new AuditLog.AuditEntry(admin, Role.ADMIN.name(), "CASE_CALENDAR_SET",
                        "calendar:" + checked.year() + " days:" + checked.days().size(), AuditLog.Outcome.SUCCESS)))
                .as(tx::transactional)
                .then(Mono.fromRunnable(calendars::forget))
                .then(calendars.year(checked.year()));
    }
}
