package city.onestop.transit.realtime.ingest;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A GTFS-realtime feed header. A header without {@code incrementality} is a full dataset (the spec's default). */
public record FeedHeader(String gtfsRealtimeVersion, Incrementality incrementality, @Nullable Instant timestamp) {

    public enum Incrementality {
        FULL_DATASET,
        DIFFERENTIAL
    }
}
