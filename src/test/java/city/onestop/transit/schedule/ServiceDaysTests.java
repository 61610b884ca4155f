package city.onestop.transit.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ServiceDaysTests {

    private static final ZoneId HALIFAX = ZoneId.of("America/Halifax");

    /** A trip from 25:10 to 26:01 (Halifax's latest stop time), every day. */
    private static final Function<LocalDate, Instant[]> LATE_TRIP = d -> new Instant[] {
        ServiceDays.instant(d, 25 * 3600 + 10 * 60, HALIFAX), ServiceDays.instant(d, 26 * 3600 + 60, HALIFAX)
    };

    @Test
    void timesPastMidnightBelongToThePreviousServiceDay() {
        assertThat(ServiceDays.instant(LocalDate.of(2025, 11, 6), 25 * 3600 + 30 * 60, HALIFAX))
                .isEqualTo(Instant.parse("2025-11-07T05:30:00Z")); // 01:30 AST on the 7th
    }

    @Test
    void serviceTimeIsCountedFromNoonMinusTwelveHoursAcrossDst() {
        // 2025-11-02: clocks go back from 02:00 ADT to 01:00 AST. Noon is AST (16:00Z); minus 12 h is 04:00Z;
        // 10:00:00 of service time is 14:00Z, 10:00 on the wall clock, as the timetable means. Counting from
        // midnight (03:00Z, ADT) would give 13:00Z, an hour early.
        assertThat(ServiceDays.instant(LocalDate.of(2025, 11, 2), 10 * 3600, HALIFAX))
                .isEqualTo(Instant.parse("2025-11-02T14:00:00Z"));
    }

    @Test
    void anAfterMidnightTripIsFoundWhetherTheProducerNamesTheServiceDayOrTheCalendarDay() {
        Instant now = Instant.parse("2025-11-07T05:20:00Z"); // 01:20 AST on the 7th, the trip is running
        LocalDate serviceDay = LocalDate.of(2025, 11, 6);

        assertThat(ServiceDays.match("20251106", now, HALIFAX, d -> true, LATE_TRIP)).contains(serviceDay);
        assertThat(ServiceDays.match("20251107", now, HALIFAX, d -> true, LATE_TRIP)).contains(serviceDay);
        assertThat(ServiceDays.match(null, now, HALIFAX, d -> true, LATE_TRIP)).contains(serviceDay);
    }

    @Test
    void onlyDaysTheTripRunsOnAreCandidates() {
        Instant now = Instant.parse("2025-11-07T05:20:00Z");

        assertThat(ServiceDays.match("20251106", now, HALIFAX, d -> d.getDayOfMonth() == 7, LATE_TRIP))
                .contains(LocalDate.of(2025, 11, 7));
        assertThat(ServiceDays.match("20251106", now, HALIFAX, d -> false, LATE_TRIP)).isEmpty();
    }

    @Test
    void anUnparseableStartDateFallsBackToToday() {
        Instant now = Instant.parse("2025-11-06T21:04:14Z");
        Function<LocalDate, Instant[]> afternoon = d -> new Instant[] {
            ServiceDays.instant(d, 16 * 3600, HALIFAX), ServiceDays.instant(d, 18 * 3600, HALIFAX)
        };

        assertThat(ServiceDays.match("6 Nov", now, HALIFAX, d -> true, afternoon)).contains(LocalDate.of(2025, 11, 6));
    }
}
