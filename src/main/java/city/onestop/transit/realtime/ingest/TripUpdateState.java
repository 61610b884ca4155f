package city.onestop.transit.realtime.ingest;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One TripUpdate: the trip, its vehicle, an optional trip-level delay and the per-stop predictions in feed order. */
public record TripUpdateState(
        String entityId,
        TripRef trip,
        @Nullable String vehicleId,
        @Nullable Instant timestamp,
        @Nullable Integer delaySeconds,
        List<StopTimePrediction> stopTimes) {

    public TripUpdateState {
        stopTimes = List.copyOf(stopTimes);
    }
}
