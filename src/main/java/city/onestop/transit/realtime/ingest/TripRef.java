package city.onestop.transit.realtime.ingest;

import org.jspecify.annotations.Nullable;

/**
 * Which trip instance a realtime entity talks about. {@code startDate} stays the producer's {@code YYYYMMDD}
 * string: producers disagree around midnight, so matching to a service day is done tolerantly later.
 */
public record TripRef(
        @Nullable String tripId,
        @Nullable String routeId,
        @Nullable Integer directionId,
        @Nullable String startDate,
        @Nullable String startTime,
        TripStatus status) {

    /** Trip-level schedule relationship, in GTFS-realtime vocabulary. */
    public enum TripStatus {
        SCHEDULED,
        ADDED,
        UNSCHEDULED,
        CANCELED,
        REPLACEMENT,
        DUPLICATED
    }
}
