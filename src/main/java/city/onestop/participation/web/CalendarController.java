package city.onestop.participation.web;

import city.onestop.participation.cases.CalendarStore;
import city.onestop.participation.cases.Calendars;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.ProblemException;
import city.onestop.platform.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The working-day calendar deadlines are counted on: public to read, loaded by an admin for each year once the State
 * Council publishes its holiday notice (国务院办公厅关于部分节假日安排的通知), without a release.
 */
@RestController
@Tag(name = "Participation calendar", description = "Public holidays and make-up working days (调休) that case deadlines count on")
class CalendarController {

    static final int MAX_DAYS = 60;

    private final Calendars calendars;

    CalendarController(Calendars calendars) {
        this.calendars = calendars;
    }

    record DayBody(LocalDate date, String kind, String name) {}

    record YearBody(String source, List<DayBody> days) {}

    @GetMapping("/api/v1/participation/calendar/{year}")
    @Operation(operationId = "getCaseCalendarYear",
            summary = "A year's public holidays (HOLIDAY) and weekend days worked in exchange (WORKDAY); 404 when not loaded "
                    + "(deadlines in that year then count Monday to Friday)")
    Mono<CalendarStore.Year> get(@PathVariable int year) {
        return calendars.findYear(year).switchIfEmpty(Mono.error(() -> ProblemException.notFound("Calendar year", Integer.toString(year))));
    }

    @PutMapping("/api/v1/admin/participation/calendar/{year}")
    @Operation(operationId = "adminSetCaseCalendarYear",
            summary = "Load or replace a year's holidays and make-up working days (admin); deadlines use them at once here "
                    + "and on other instances within 10 minutes")
    Mono<CalendarStore.Year> put(@PathVariable int year, @RequestBody YearBody body) {
        return CurrentUser.get()
                .flatMap(u -> u.has(Role.ADMIN) ? Mono.just(u)
                        : Mono.error(new ProblemException(HttpStatus.FORBIDDEN, "FORBIDDEN", "Forbidden", "Admins only")))
                .flatMap(u -> calendars.replaceYear(u.id(), check(year, body)));
    }

    /** Checked by hand, so every mistake of the list is named at once. */
    static CalendarStore.Year check(int year, YearBody body) {
        List<Map<String, Object>> errors = new ArrayList<>();
        if (year < 2000 || year > 2100) errors.add(Map.of("field", "year", "message", "must be between 2000 and 2100"));
        if (body == null) throw invalid(List.of(Map.of("field", "body", "message", "is required")));
        if (body.source() == null || body.source().isBlank() || body.source().length() > 200) {
            errors.add(Map.of("field", "source", "message", "is required (the notice the days come from, at most 200 characters)"));
        }
        List<DayBody> days = body.days() == null ? List.of() : body.days();
        if (body.days() == null || days.size() > MAX_DAYS) {
            errors.add(Map.of("field", "days", "message", "is required (at most " + MAX_DAYS + " days)"));
        }
        Set<LocalDate> seen = new HashSet<>();
        List<CalendarStore.Day> out = new ArrayList<>();
        for (int i = 0; i < days.size() && days.size() <= MAX_DAYS; i++) {
            DayBody d = days.get(i);
            String at = "days[" + i + "]";
            if (d == null || d.date() == null || d.date().getYear() != year) {
                errors.add(Map.of("field", at + ".date", "message", "must be a date of " + year));
                continue;
            }
            if (!seen.add(d.date())) errors.add(Map.of("field", at + ".date", "message", d.date() + " is listed twice"));
            boolean weekend = d.date().getDayOfWeek() == DayOfWeek.SATURDAY || d.date().getDayOfWeek() == DayOfWeek.SUNDAY;
            if (!"HOLIDAY".equals(d.kind()) && !"WORKDAY".equals(d.kind())) {
                errors.add(Map.of("field", at + ".kind", "message", "must be HOLIDAY or WORKDAY"));
            } else if ("WORKDAY".equals(d.kind()) && !weekend) {
                errors.add(Map.of("field", at + ".kind", "message", d.date() + " is a weekday: only a weekend day can be worked in exchange"));
            }
            if (d.name() == null || d.name().isBlank() || d.name().length() > 100) {
                errors.add(Map.of("field", at + ".name", "message", "is required (at most 100 characters)"));
            }
            out.add(new CalendarStore.Day(d.date(), d.kind(), d.name() == null ? null : d.name().strip()));
        }
        if (!errors.isEmpty()) throw invalid(errors);
        out.sort(java.util.Comparator.comparing(CalendarStore.Day::date));
        return new CalendarStore.Year(year, body.source().strip(), List.copyOf(out));
    }

    private static ProblemException invalid(List<Map<String, Object>> errors) {
        return new ProblemException(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "Validation failed", "The calendar has invalid fields",
                Map.of("errors", errors));
    }
}
