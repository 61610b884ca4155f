package city.onestop.transit.realtime.ingest;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How polling one feed kind is going, as the polling instance last recorded it. Immutable: each poll makes the
 * next one. Stored in Redis so any instance can answer the status endpoint.
 */
public record FeedHealth(
        FeedKind kind,
        String url,
        @Nullable String polledBy,
        @Nullable Instant lastAttemptAt,
        @Nullable Instant lastSuccessAt,
        @Nullable Outcome lastOutcome,
        @Nullable String lastError,
        @Nullable Instant headerTimestamp,
        long polls,
        long failures,
        long consecutiveFailures,
        long rejectedBodies,
        long entitiesAccepted,
        long entitiesRejected,
        Map<String, Long> problems,
        String circuitState) {

    public FeedHealth {
        problems = Map.copyOf(problems);
    }

    public enum Outcome {
        /** A newer feed was decoded and is now served. */
        ACCEPTED,
        /** The server answered 304 Not Modified. */
        NOT_MODIFIED,
        /** The feed header timestamp did not advance: nothing to do. */
        UNCHANGED,
        /** The body was malformed, too large or unsupported: counted, the last good state stays. */
        REJECTED,
        /** No usable answer (timeout, 5xx, connection, open circuit). */
        FAILED
    }

    static FeedHealth initial(FeedKind kind, String url) {
        return new FeedHealth(kind, url, null, null, null, null, null, null, 0, 0, 0, 0, 0, 0, Map.of(), "CLOSED");
    }

    FeedHealth succeeded(String by, Instant at, Outcome outcome, String circuit) {
        return new FeedHealth(kind, url, by, at, at, outcome, null, headerTimestamp, polls + 1, failures, 0,
                rejectedBodies, entitiesAccepted, entitiesRejected, problems, circuit);
    }

    /** The same health with more problem counts (added to any of the same name). */
    FeedHealth withProblems(Map<String, Long> more) {
        if (more.isEmpty()) return this;
        Map<String, Long> counts = new java.util.TreeMap<>(problems);
        more.forEach((k, n) -> counts.merge(k, n, Long::sum));
        return new FeedHealth(kind, url, polledBy, lastAttemptAt, lastSuccessAt, lastOutcome, lastError, headerTimestamp,
                polls, failures, consecutiveFailures, rejectedBodies, entitiesAccepted, entitiesRejected, counts, circuitState);
    }

    FeedHealth accepted(String by, Instant at, FeedDecoding.FeedDecodeResult r, String circuit) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        r.problemCounts().forEach((reason, n) -> counts.put(reason.name(), n));
        return new FeedHealth(kind, url, by, at, at, Outcome.ACCEPTED, null, r.header().timestamp(), polls + 1,
                failures, 0, rejectedBodies, r.acceptedEntities(), r.rejectedEntities(), counts, circuit);
    }

    FeedHealth rejected(String by, Instant at, String why, String circuit) {
        return new FeedHealth(kind, url, by, at, lastSuccessAt, Outcome.REJECTED, why, headerTimestamp, polls + 1,
                failures + 1, consecutiveFailures + 1, rejectedBodies + 1, entitiesAccepted, entitiesRejected,
                problems, circuit);
    }

    FeedHealth failed(String by, Instant at, String why, String circuit) {
        return new FeedHealth(kind, url, by, at, lastSuccessAt, Outcome.FAILED, why, headerTimestamp, polls + 1,
                failures + 1, consecutiveFailures + 1, rejectedBodies, entitiesAccepted, entitiesRejected, problems,
                circuit);
    }
}
