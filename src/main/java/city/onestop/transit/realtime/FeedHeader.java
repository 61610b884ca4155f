package city.onestop.transit.realtime;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A GTFS-realtime feed header. A header without {@code incrementality} is a full dataset (the spec's default). */
record FeedHeader(String gtfsRealtimeVersion, Incrementality incrementality, @Nullable Instant timestamp) {

    enum Incrementality {
        FULL_DATASET,
        DIFFERENTIAL
    }
}
