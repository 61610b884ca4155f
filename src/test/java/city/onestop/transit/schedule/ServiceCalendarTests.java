package city.onestop.transit.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.transit.gtfs.GtfsFeed;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceCalendarTests {

    static final ZoneId HALIFAX = ZoneId.of("America/Halifax");

    @Test
    void serviceDayStartsAtLocalMidnightOnOrdinaryDays() {
        assertThat(ServiceCalendar.serviceDayStart(LocalDate.of(2025, 11, 6), HALIFAX))
                .isEqualTo(Instant.parse("2025-11-06T04:00:00Z"));
    }

    @Test
    void serviceDayStartsAtNoonMinusTwelveHoursOnDstDays() {
        // 2025-11-02 falls back at 02:00 ADT: noon AST minus 12 h is 01:00 ADT, not midnight.
        assertThat(ServiceCalendar.serviceDayStart(LocalDate.of(2025, 11, 2), HALIFAX))
                .isEqualTo(Instant.parse("2025-11-02T04:00:00Z"));
        // 2025-03-09 springs forward at 02:00 AST: noon ADT minus 12 h is 23:00 AST the day before.
        assertThat(ServiceCalendar.serviceDayStart(LocalDate.of(2025, 3, 9), HALIFAX))
                .isEqualTo(Instant.parse("2025-03-09T03:00:00Z"));
    }

    @Test
    void calendarDatesOverrideTheWeeklyPattern() {
        var weekdays = new GtfsFeed.Calendar("WD", 0b0011111, LocalDate.of(2025, 1, 1), LocalDate.of(2025, 12, 31));
        var cal = new ServiceCalendar(List.of(weekdays), List.of(
                new GtfsFeed.CalendarDate("WD", LocalDate.of(2025, 11, 11), 2),
                new GtfsFeed.CalendarDate("WD", LocalDate.of(2025, 11, 8), 1),
                new GtfsFeed.CalendarDate("EXTRA", LocalDate.of(2025, 11, 9), 1)));
        assertThat(cal.isActive("WD", LocalDate.of(2025, 11, 10))).isTrue(); // Monday
        assertThat(cal.isActive("WD", LocalDate.of(2025, 11, 11))).isFalse(); // removed
        assertThat(cal.isActive("WD", LocalDate.of(2025, 11, 8))).isTrue(); // Saturday added
        assertThat(cal.isActive("WD", LocalDate.of(2025, 11, 15))).isFalse(); // Saturday
        assertThat(cal.isActive("WD", LocalDate.of(2026, 1, 5))).isFalse(); // after end_date
        assertThat(cal.isActive("EXTRA", LocalDate.of(2025, 11, 9))).isTrue(); // calendar_dates only
    }
}
