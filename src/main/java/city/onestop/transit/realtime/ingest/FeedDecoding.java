package city.onestop.transit.realtime.ingest;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What decoding a feed body gave: either a decoded feed (possibly with rejected entities) or nothing usable. */
public sealed interface FeedDecoding {

    /** The body is not a FeedMessage at all (truncated, garbage, wrong content). Nothing is applied. */
    public record Malformed(String reason) implements FeedDecoding {}

    /** The body is a feed whose header we refuse (a DIFFERENTIAL feed, an unsupported version). */
    public record Unsupported(String reason) implements FeedDecoding {}

    /**
     * A decoded feed. {@code acceptedEntities + rejectedEntities} is the number of entities in the message;
     * {@code problems} may also name entities that were accepted with one part dropped (a stop time without stop).
     */
    public record FeedDecodeResult(
            FeedHeader header,
            List<VehicleState> vehicles,
            List<TripUpdateState> tripUpdates,
            List<ServiceAlert> alerts,
            int acceptedEntities,
            int rejectedEntities,
            List<EntityProblem> problems)
            implements FeedDecoding {

        public FeedDecodeResult {
            vehicles = List.copyOf(vehicles);
            tripUpdates = List.copyOf(tripUpdates);
            alerts = List.copyOf(alerts);
            problems = List.copyOf(problems);
        }

        Map<EntityProblem.Reason, Long> problemCounts() {
            return problems.stream()
                    .collect(Collectors.groupingBy(
                            EntityProblem::reason, () -> new TreeMap<>(), Collectors.counting()));
        }

        int stopTimeUpdateCount() {
            return tripUpdates.stream().mapToInt(t -> t.stopTimes().size()).sum();
        }
    }
}
