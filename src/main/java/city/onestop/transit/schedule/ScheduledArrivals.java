package city.onestop.transit.schedule;

import city.onestop.transit.StopBoards.ArrivalStatus;
import city.onestop.transit.StopBoards.UpcomingArrival;
import city.onestop.transit.StopBoards;
import city.onestop.transit.TransitIds;
import city.onestop.transit.schedule.CurrentVersions.FeedVersion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * A stop's next arrivals from the static timetable only: every arrival {@code SCHEDULED}. The one {@link StopBoards}
 * ({@code arrivals.LiveAndScheduledBoards}) answers from the live board and falls back to this. Reads the stop's rows
 * through the same Redis cache entry as the departures endpoint.
 */
@Component
public class ScheduledArrivals {

    private static final TypeReference<List<TransitQueries.StopTimeRow>> STOP_TIMES = new TypeReference<>() {};
    /** How far ahead to look for the next arrivals; a stop with nothing in two hours shows nothing. */
    private static final Duration HORIZON = Duration.ofHours(2);

    private final CurrentVersions versions;
    private final TransitQueries queries;
    private final TransitCache cache;
    private final ObjectMapper json;
    private final Clock clock;

    ScheduledArrivals(CurrentVersions versions, TransitQueries queries, TransitCache cache, ObjectMapper json, Clock clock) {
        this.versions = versions;
        this.queries = queries;
        this.cache = cache;
        this.json = json;
        this.clock = clock;
    }

    /** True when the stop is in its feed's current version. */
    public Mono<Boolean> stopExists(String stopId) {
        FeedVersion fv = versions.snapshot().get(TransitIds.parse(stopId).feedId());
        if (fv == null) return Mono.just(false);
        return queries.findStop(fv.versionId(), TransitIds.parse(stopId).gtfsId()).hasElement();
    }

    /** The next {@code limit} scheduled arrivals from now, soonest first; empty for an unknown stop. */
    public Mono<List<UpcomingArrival>> nextArrivals(String stopId, int limit) {
        FeedVersion fv = versions.snapshot().get(TransitIds.parse(stopId).feedId());
        if (fv == null) return Mono.just(List.of());
        String gtfsId = TransitIds.parse(stopId).gtfsId();
        long v = fv.versionId();
        Instant from = clock.instant();
        Mono<List<TransitQueries.StopTimeRow>> rows = cache.getOrLoad(TransitCache.key(v, "stop-times", gtfsId),
                        Mono.defer(() -> queries.findStop(v, gtfsId)
                                .flatMap(s -> queries.stopTimesAt(v, gtfsId).collectList())
                                .map(json::writeValueAsBytes)))
                .map(bytes -> json.readValue(bytes, STOP_TIMES));
        return rows.zipWith(queries.versionData(v)).map(t -> {
            var data = t.getT2();
            List<UpcomingArrival> out = new ArrayList<>();
            for (var d : Departures.between(t.getT1(), data.calendar(), data.frequencies(), fv.zone(), from, from.plus(HORIZON))) {
                if (out.size() >= limit) break;
                if (d.arrival().isBefore(from)) continue;
                var route = data.routes().get(d.row().routeId());
                out.add(new UpcomingArrival(TransitIds.of(fv.feedId(), d.row().tripId()), route == null ? null : route.shortName(),
                        d.row().headsign(), d.arrival().atZone(fv.zone()).toOffsetDateTime(), null, ArrivalStatus.SCHEDULED, null));
            }
            return List.copyOf(out);
        }).defaultIfEmpty(List.of());
    }
}
