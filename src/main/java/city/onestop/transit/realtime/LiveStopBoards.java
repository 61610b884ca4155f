package city.onestop.transit.realtime;

import city.onestop.transit.StopBoards;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Override
    public Mono<List<StopAlert>> activeAlerts(String stopId, @org.jspecify.annotations.Nullable String language) {
        return boards.board(stopId, 0, HORIZON_MINUTES, language)
                .map(board -> {
                    Map<String, StopAlert> out = new LinkedHashMap<>();
                    board.alerts().forEach(a -> out.putIfAbsent(a.id(), alert(a, List.of())));
                    for (ArrivalBoards.Row row : board.arrivals()) {
                        for (BoardAlerts.Alert a : row.alerts()) {
                            StopAlert known = out.get(a.id());
                            List<String> routes = new ArrayList<>(known == null ? List.of() : known.routeIds());
                            if (row.routeId() != null && !routes.contains(row.routeId())) routes.add(row.routeId());
                            out.put(a.id(), alert(a, routes));
                        }
                    }
                    return List.copyOf(out.values());
                })
                .onErrorResume(e -> {
                    log.debug("Alerts of {} unavailable ({})", stopId, e.toString());
                    return Mono.just(List.of());
                });
    }

    private static StopAlert alert(BoardAlerts.Alert a, List<String> routes) {
        OffsetDateTime from = null, until = null;
        if (!a.activePeriods().isEmpty()) {
            // The period in force now is the one riders need; alerts list them in order, the first active wins.
            BoardAlerts.Period p = a.activePeriods().get(0);
            from = p.start() == null ? null : OffsetDateTime.parse(p.start());
            until = p.end() == null ? null : OffsetDateTime.parse(p.end());
        }
        return new StopAlert(a.id(), a.effect(), a.cause(), a.headerText(), a.descriptionText(), a.url(), a.language(), from,
                until, List.copyOf(routes));
    }

    private static UpcomingArrival arrival(ArrivalBoards.Row row) {
        return new UpcomingArrival(row.tripId(), row.routeShortName(), row.headsign(),
                OffsetDateTime.parse(row.scheduledArrival()),
                row.predictedArrival() == null ? null : OffsetDateTime.parse(row.predictedArrival()),
                ArrivalStatus.valueOf(row.status()), row.numberOfStopsAway());
    }
}
