package city.onestop.transit.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Service days, the GTFS way: a time of day is seconds after "noon minus 12 h" of its service day (so 25:30:00
 * is 01:30 the next calendar day, and DST days come out right), and a realtime {@code start_date} is matched
 * tolerantly, since producers disagree around midnight about which day an after-midnight trip belongs to.
 */
public final class ServiceDays {

    private ServiceDays() {}

    /** The instant of a GTFS time ({@code secondsOfServiceDay}, may exceed 24 h) on a service day. */
    public static Instant instant(LocalDate serviceDay, int secondsOfServiceDay, ZoneId zone) {
        return serviceDay.atTime(12, 0).atZone(zone).minusHours(12).toInstant().plusSeconds(secondsOfServiceDay);
    }

    /**
     * The service day a trip descriptor means: among the day named by {@code startDate} and its neighbours (or,
     * without a start date, the days around today), the days the trip runs on, and of those the instance whose
     * time span is nearest to {@code now}. Empty when the trip runs on none of them.
     *
     * @param runsOn whether the trip's service runs on a day (calendar + calendar_dates)
     * @param span first departure and last arrival of the trip on a day
     */
    static Optional<LocalDate> match(
            @Nullable String startDate,
            Instant now,
            ZoneId zone,
            Predicate<LocalDate> runsOn,
            Function<LocalDate, Instant[]> span) {
        LocalDate center;
        try {
            center = startDate == null ? LocalDate.ofInstant(now, zone) : LocalDate.parse(startDate, DateTimeFormatter.BASIC_ISO_DATE);
        } catch (DateTimeParseException e) {
            center = LocalDate.ofInstant(now, zone);
        }
        LocalDate named = center;
        return Stream.of(center, center.minusDays(1), center.plusDays(1))
                .filter(runsOn)
                .min(Comparator.comparing((LocalDate d) -> distance(now, span.apply(d)))
                        // equally near: the day the producer named
                        .thenComparing(d -> d.equals(named) ? 0 : 1));
    }

    private static Duration distance(Instant now, Instant[] span) {
        if (now.isBefore(span[0])) return Duration.between(now, span[0]);
        if (now.isAfter(span[1])) return Duration.between(span[1], now);
        return Duration.ZERO;
    }
}
