package city.onestop.transit.realtime.ingest;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One StopTimeUpdate: a stop (by sequence and/or id) with predicted arrival/departure or a relationship. */
public record StopTimePrediction(
        @Nullable Integer stopSequence,
        @Nullable String stopId,
        @Nullable Event arrival,
        @Nullable Event departure,
        Relationship relationship) {

    public enum Relationship {
        SCHEDULED,
        SKIPPED,
        NO_DATA,
        UNSCHEDULED
    }

    /** An absolute {@code time} wins over {@code delaySeconds} when both are given. */
    public record Event(@Nullable Instant time, @Nullable Integer delaySeconds, @Nullable Integer uncertaintySeconds) {}
}
