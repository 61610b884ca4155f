package city.onestop.transit.gtfs;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A GTFS static feed parsed into memory, already cleaned: rows with broken references or invalid values are
 * gone (and counted in the {@link ImportReport}). Stop times are columnar and sorted by trip then sequence.
 */
public record GtfsFeed(
        List<Agency> agencies,
        List<Stop> stops,
        List<Route> routes,
        List<Trip> trips,
        StopTimes stopTimes,
        List<Calendar> calendars,
        List<CalendarDate> calendarDates,
        List<Frequency> frequencies,
        Map<String, Shape> shapes,
        @Nullable FeedInfo feedInfo) {

    public record Agency(String id, String name, @Nullable String url, String timezone, @Nullable String lang,
            @Nullable String phone) {}

    public record Stop(String id, @Nullable String code, @Nullable String name, double lat, double lon, int locationType,
            @Nullable String parentStation, @Nullable Integer wheelchairBoarding) {}

    public record Route(String id, @Nullable String agencyId, @Nullable String shortName, @Nullable String longName,
            @Nullable String description, int type, @Nullable String color, @Nullable String textColor,
            @Nullable Integer sortOrder) {}

    public record Trip(String id, String routeId, String serviceId, @Nullable String headsign,
            @Nullable String shortName, @Nullable Integer directionId, @Nullable String blockId,
            @Nullable String shapeId) {}

    /** {@code weekdays}: bit 0 = Monday ... bit 6 = Sunday. */
    public record Calendar(String serviceId, int weekdays, LocalDate startDate, LocalDate endDate) {}

    /** {@code exceptionType} 1 = service added on that date, 2 = removed. */
    public record CalendarDate(String serviceId, LocalDate date, int exceptionType) {}

    /** Times in seconds since noon minus 12 h. */
    public record Frequency(String tripId, int startSeconds, int endSeconds, int headwaySeconds, int exactTimes) {}

    /** Shape points in sequence order; {@code distTraveled} holds NaN where the feed gave none. */
    public record Shape(String id, double[] lats, double[] lons, double[] distTraveled) {}

    public record FeedInfo(@Nullable String publisherName, @Nullable String version, @Nullable String lang) {}

    /** Agency time zone: GTFS requires all agencies of a feed to share it. */
    public String timezone() {
        return agencies.get(0).timezone();
    }
}
