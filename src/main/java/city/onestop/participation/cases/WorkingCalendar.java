package city.onestop.participation.cases;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;

/**
 * Working days: Monday to Friday, except the listed public holidays (and days off in lieu), plus the listed weekend
 * days worked in exchange (调休上班). Deadlines count whole working days after the day a case arrived.
 *
 * @param days the exceptions: {@code true} a working day on a weekend, {@code false} a day off on a weekday
 * @param knownYears the years whose exceptions are listed; other years follow the weekday rule alone
 */
public record WorkingCalendar(Map<LocalDate, Boolean> days, Set<Integer> knownYears) {

    public WorkingCalendar {
        days = Map.copyOf(days);
        knownYears = Set.copyOf(knownYears);
    }

    public boolean isWorkingDay(LocalDate day) {
        Boolean exception = days.get(day);
        if (exception != null) return exception;
        DayOfWeek dow = day.getDayOfWeek();
        return dow != DayOfWeek.SATURDAY && dow != DayOfWeek.SUNDAY;
    }

    /** The {@code n}th working day strictly after {@code day} (n ≥ 1). */
    public LocalDate addWorkingDays(LocalDate day, int n) {
        if (n < 1) throw new IllegalArgumentException("n must be at least 1");
        LocalDate d = day;
        int counted = 0;
        while (counted < n) {
            d = d.plusDays(1);
            if (isWorkingDay(d)) counted++;
        }
        return d;
    }

    /**
     * When something is due that must happen "within {@code n} working days" of {@code from}: the end (24:00, i.e. the
     * next midnight) of the {@code n}th working day after the day {@code from} falls on in {@code zone}.
     */
    public Instant dueAt(Instant from, int n, ZoneId zone) {
        LocalDate last = addWorkingDays(LocalDate.ofInstant(from, zone), n);
        return last.plusDays(1).atStartOfDay(zone).toInstant();
    }

    /** Whether every day from {@code from} to {@code to} lies in a year whose holidays are known. */
    public boolean covers(LocalDate from, LocalDate to) {
        for (int y = from.getYear(); y <= to.getYear(); y++) {
            if (!knownYears.contains(y)) return false;
        }
        return true;
    }
}
