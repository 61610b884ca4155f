package city.onestop.transit.realtime.ingest;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One vehicle as the feed last reported it. Stop fields are often absent (Halifax sends none): progress along
 * the trip is then derived by projecting the position onto the trip's shape.
 */
public record VehicleState(
        String entityId,
        String vehicleId,
        @Nullable String label,
        @Nullable TripRef trip,
        double lat,
        double lon,
        @Nullable Float bearing,
        @Nullable Float speedMetersPerSecond,
        @Nullable Integer currentStopSequence,
        @Nullable String stopId,
        @Nullable StopStatus currentStatus,
        @Nullable Instant timestamp) {

    public enum StopStatus {
        INCOMING_AT,
        STOPPED_AT,
        IN_TRANSIT_TO
    }
}
