package city.onestop.participation.cases;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Deadlines on the 2026 calendar as migrated. Every expected date below was counted by hand on the State Council's
 * 2026 holiday notice (the counting is written out beside each).
 */
@IntegrationTest
class WorkingCalendarIT {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @Autowired CalendarStore calendars;

    WorkingCalendar calendar() {
        return calendars.calendar().block(Duration.ofSeconds(10));
    }

    static Instant at(String local) {
        return OffsetDateTime.parse(local + "+08:00").toInstant();
    }

    static Instant endOf(String day) {
        return LocalDate.parse(day).plusDays(1).atStartOfDay(SHANGHAI).toInstant();
    }

    @Test
    void countsTheSundayWorkedBeforeNationalDayAndSkipsMidAutumnAndTheGoldenWeek() {
        WorkingCalendar c = calendar();
        Instant filed = at("2026-09-18T10:00:00"); // Friday
        // Next working day: Sat 19 off, Sun 20 is worked in exchange (调休上班).
        assertThat(c.dueAt(filed, 1, SHANGHAI)).isEqualTo(endOf("2026-09-20"));
        // 20, 21, 22, 23, 24.
        assertThat(c.dueAt(filed, 5, SHANGHAI)).isEqualTo(endOf("2026-09-24"));
        // 20 21 22 23 24 (5), 25-27 中秋 off, 28 29 30 (8), Oct 1-7 国庆 off, Thu 8 Fri 9 (10), Sat 10 worked (11),
        // Sun 11 off, 12 13 14 15 (15).
        assertThat(c.dueAt(filed, 15, SHANGHAI)).isEqualTo(endOf("2026-10-15"));
    }

    @Test
    void countsTheSaturdayWorkedBeforeSpringFestivalAndSkipsTheNineDaysOff() {
        WorkingCalendar c = calendar();
        Instant filed = at("2026-02-13T16:30:00"); // Friday
        // Sat 14 is worked in exchange.
        assertThat(c.dueAt(filed, 1, SHANGHAI)).isEqualTo(endOf("2026-02-14"));
        // 14 (1), 15-23 春节 off, Tue 24 25 26 27 (5).
        assertThat(c.dueAt(filed, 5, SHANGHAI)).isEqualTo(endOf("2026-02-27"));
        assertThat(c.isWorkingDay(LocalDate.parse("2026-02-28"))).as("Saturday 28 February is worked").isTrue();
        assertThat(c.isWorkingDay(LocalDate.parse("2026-02-23"))).as("Monday 23 February is off").isFalse();
    }

    @Test
    void aCaseFiledOnAHolidayCountsFromTheNextWorkingDay() {
        WorkingCalendar c = calendar();
        // Filed on 1 May (劳动节, off until Tue 5); Wed 6 is the first working day.
        assertThat(c.dueAt(at("2026-05-01T09:00:00"), 1, SHANGHAI)).isEqualTo(endOf("2026-05-06"));
        // 6 7 8 (3), Sat 9 worked (4), Sun 10 off, Mon 11 (5).
        assertThat(c.dueAt(at("2026-05-01T09:00:00"), 5, SHANGHAI)).isEqualTo(endOf("2026-05-11"));
        // 2027's notice is not in the table yet: a deadline reaching into 2027 is known to be weekday-only.
        assertThat(c.covers(LocalDate.parse("2026-12-31"), LocalDate.parse("2027-01-04"))).isFalse();
    }
}
