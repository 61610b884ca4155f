package city.onestop.transit.arrivals;

import city.onestop.transit.StopBoards;
import city.onestop.transit.schedule.ScheduledArrivals;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The one {@link StopBoards} for other modules (favourites, dashboard, watches), composing the two sources
 * explicitly: the live arrival board ({@link ArrivalBoards}: predictions, stops away and cancellations where the
 * realtime feed knows them) first; when it cannot answer (no timetable yet, live state unavailable) the timetable
 * ({@link ScheduledArrivals}), visibly: every arrival then says {@code SCHEDULED}.
 */
@Component
class LiveAndScheduledBoards implements StopBoards {

    private static final Logger log = LoggerFactory.getLogger(LiveAndScheduledBoards.class);
    /** How far ahead the dashboard looks for a stop's next arrivals. */
    private static final int HORIZON_MINUTES = 120;
    private static final Set<String> UPCOMING = Set.of("SCHEDULED", "PREDICTED", "CANCELED");

    private final ArrivalBoards boards;
    private final ScheduledArrivals scheduled;

    LiveAndScheduledBoards(ArrivalBoards boards, ScheduledArrivals scheduled) {
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
                        .map(LiveAndScheduledBoards::arrival)
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
