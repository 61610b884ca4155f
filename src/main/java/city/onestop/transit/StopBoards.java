package city.onestop.transit;

import java.time.OffsetDateTime;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A stop's next arrivals for other modules (the citizen's favourites and dashboard). Stop ids are API ids
 * ({@code feedId:gtfsStopId}). Answered from the live arrival board (predictions, stops away, cancellations),
 * falling back to the static timetable (every arrival {@code SCHEDULED}) when live data is unavailable.
 */
public interface StopBoards {

    /** True when the stop is in a current feed version. */
    Mono<Boolean> stopExists(String stopId);

    /** The next {@code limit} arrivals at the stop from now, soonest first; empty list for an unknown stop. */
    Mono<List<UpcomingArrival>> nextArrivals(String stopId, int limit);

    /**
     * The service alerts active now that a rider at the stop should see: the stop's own, the agency's, and those of
     * the lines calling there (at this stop or everywhere). Texts in {@code language} (a BCP 47 tag or an
     * {@code Accept-Language} value) where the feed translates them, else as given; null: the city's default
     * (zh-CN). Empty for an unknown stop or when live data is unavailable.
     */
    default Mono<List<StopAlert>> activeAlerts(String stopId, @Nullable String language) {
        return Mono.just(List.of());
    }

    /** One alert as a rider reads it; {@code routeIds} are the lines it concerns here (empty: the stop itself). */
    record StopAlert(String id, String effect, String cause, @Nullable String headerText, @Nullable String descriptionText,
            @Nullable String url, @Nullable String language, @Nullable OffsetDateTime activeFrom,
            @Nullable OffsetDateTime activeUntil, List<String> routeIds) {}

    /** What the board knows about an arrival. */
    enum ArrivalStatus {
        SCHEDULED,
        PREDICTED,
        CANCELED
    }

    /** One arrival; {@code predictedArrival} and {@code numberOfStopsAway} are null when nothing live is known. */
    record UpcomingArrival(String tripId, @Nullable String routeShortName, @Nullable String headsign,
            OffsetDateTime scheduledArrival, @Nullable OffsetDateTime predictedArrival, ArrivalStatus status,
            @Nullable Integer numberOfStopsAway) {}
}
