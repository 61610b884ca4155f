package city.onestop.transit.realtime;

import city.onestop.transit.StopBoards;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Primary;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * {@link StopBoards} for other modules (favourites, dashboard, watches) from the live arrival board: predictions,
 * stops away and cancellations where the realtime feed knows them. When the live board cannot answer (no
 * timetable yet, live state unavailable) it falls back, visibly, to the scheduled board: every arrival then says
 * {@code SCHEDULED}.
 */
@Component
@Primary
class LiveStopBoards implements StopBoards {

    private static final Logger log = LoggerFactory.getLogger(LiveStopBoards.class);
    /** How far ahead the dashboard looks for a stop's next arrivals. */
    private static final int HORIZON_MINUTES = 120;
    private static final Set<String> UPCOMING = Set.of("SCHEDULED", "PREDICTED", "CANCELED");

    private final ArrivalBoards boards;
    private final StopBoards scheduled;

    LiveStopBoards(ArrivalBoards boards, @Qualifier("scheduledStopBoards") StopBoards scheduled) {
        this.boards = boards;
        this.scheduled = scheduled;
    }

    @Override
    public Mono<Boolean> stopExists(String stopId) {
        return scheduled.stopExists(stopId);
    }

    @Override
    public Mono<List<UpcomingArrival>> nextArrivals(String stopId, int limit) {
        return boards.board(stopId, 0, HORIZON_MINUTES)
                .map(board -> board.arrivals().stream()
                        .filter(row -> UPCOMING.contains(row.status()))
                        .limit(limit)
                        .map(LiveStopBoards::arrival)
                        .toList())
                .onErrorResume(e -> {
                    log.debug("Live board of {} unavailable ({}); answering from the timetable", stopId, e.toString());
                    return scheduled.nextArrivals(stopId, limit);
                });
    }

    private static UpcomingArrival arrival(ArrivalBoards.Row row) {
        return new UpcomingArrival(row.tripId(), row.routeShortName(), row.headsign(),
                OffsetDateTime.parse(row.scheduledArrival()),
                row.predictedArrival() == null ? null : OffsetDateTime.parse(row.predictedArrival()),
                ArrivalStatus.valueOf(row.status()), row.numberOfStopsAway());
    }
}
