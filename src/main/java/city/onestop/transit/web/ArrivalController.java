package city.onestop.transit.web;

import city.onestop.transit.arrivals.ArrivalBoards;
import city.onestop.transit.demo.DemoRealtime;
import city.onestop.transit.realtime.ingest.LiveFeedProperties;
import city.onestop.transit.realtime.ingest.LiveState;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Live arrivals at a stop, as a board and as a stream of boards. */
@RestController
@Tag(name = "Transit live", description = "Live vehicles, arrivals, alerts and feed health from GTFS-realtime")
@SecurityRequirements
public class ArrivalController {

    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    /** A board is never cached longer than this, whatever the poll interval. */
    public static final Duration MAX_AGE_CAP = Duration.ofSeconds(15);

    private final ArrivalBoards boards;
    private final LiveState state;
    private final java.util.Map<String, Duration> pollIntervals;

    public ArrivalController(ArrivalBoards boards, LiveState state) {
        this(boards, state, null);
    }

    @org.springframework.beans.factory.annotation.Autowired
    public ArrivalController(ArrivalBoards boards, LiveState state, @org.jspecify.annotations.Nullable LiveFeedProperties properties) {
        this.boards = boards;
        this.state = state;
        java.util.Map<String, Duration> intervals = new java.util.HashMap<>();
        if (properties != null) properties.feeds().forEach(f -> intervals.put(f.id(), f.pollInterval()));
        intervals.putIfAbsent(DemoRealtime.DEMO_FEED_ID, DemoRealtime.DEMO_POLL_INTERVAL);
        this.pollIntervals = java.util.Map.copyOf(intervals);
    }

    /**
     * How long a cache (the browser, nginx, a CDN) may keep a board: no longer than the feed's poll interval (a newer
     * board cannot exist sooner), capped at {@link #MAX_AGE_CAP}.
     */
    Duration maxAge(String feedId) {
        Duration poll = pollIntervals.getOrDefault(feedId, MAX_AGE_CAP);
        return poll.compareTo(MAX_AGE_CAP) < 0 ? poll : MAX_AGE_CAP;
    }

    @GetMapping("/api/v1/transit/stops/{stopId}/arrivals")
    @Operation(operationId = "listArrivals", summary = "Arrivals at a stop in [now - minutesBefore, now + minutesAfter]: "
            + "schedule joined with live vehicles and predictions, sorted by best known arrival")
    @ApiResponse(responseCode = "200", description = "OK", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = ArrivalBoards.Board.class)))
    Mono<ResponseEntity<byte[]>> arrivals(@PathVariable String stopId,
            @RequestParam(defaultValue = "5") int minutesBefore, @RequestParam(defaultValue = "35") int minutesAfter,
            @org.springframework.web.bind.annotation.RequestHeader(value = "Accept-Language", required = false)
                    @org.jspecify.annotations.Nullable String acceptLanguage,
            org.springframework.web.server.ServerWebExchange exchange) {
        ArrivalBoards.checkWindow(minutesBefore, minutesAfter);
        Duration maxAge = maxAge(city.onestop.transit.TransitIds.parse(stopId).feedId());
        CacheControl cache = CacheControl.maxAge(maxAge).cachePublic();
        return boards.boardJson(stopId, minutesBefore, minutesAfter, acceptLanguage, maxAge)
                .map(board -> {
                    var ifNoneMatch = exchange.getRequest().getHeaders().getIfNoneMatch();
                    if (ifNoneMatch.contains(board.etag()) || ifNoneMatch.contains("*")) {
                        return ResponseEntity.status(org.springframework.http.HttpStatus.NOT_MODIFIED)
                                .eTag(board.etag()).cacheControl(cache).varyBy("Accept-Language").<byte[]>build();
                    }
                    return ResponseEntity.ok()
                            .contentType(MediaType.APPLICATION_JSON)
                            .eTag(board.etag())
                            .cacheControl(cache)
                            .varyBy("Accept-Language")
                            .body(board.body());
                });
    }

    /**
     * The board from prepared bytes (platform {@code PreparedRead}): the same {@link ArrivalBoards#boardJson} as
     * {@link #arrivals}, for a window given in plain numbers and at most one {@code Accept-Language}; anything else
     * (a bad window, an unknown stop, a loading feed) is left to {@link #arrivals}.
     */
    Mono<city.onestop.platform.PreparedRead.Answer> preparedArrivals(String stopId,
            org.springframework.util.MultiValueMap<String, String> query, org.springframework.http.HttpHeaders headers) {
        Integer minutesBefore = PreparedParams.integer(query, "minutesBefore", 5);
        Integer minutesAfter = PreparedParams.integer(query, "minutesAfter", 35);
        List<String> languages = headers.get("Accept-Language");
        city.onestop.transit.TransitIds ids = PreparedParams.ids(stopId);
        if (ids == null || minutesBefore == null || minutesAfter == null || (languages != null && languages.size() != 1)
                || minutesBefore < 0 || minutesBefore > 60 || minutesAfter < 1 || minutesAfter > 240) {
            return Mono.empty();
        }
        String language = languages == null ? null : languages.get(0);
        ArrivalBoards.BoardJson ready = boards.readyBoardJson(stopId, minutesBefore, minutesAfter, language);
        if (ready != null) {
            return Mono.just(answer(ids.feedId(), ready));
        }
        return boards.boardJson(stopId, minutesBefore, minutesAfter, language, maxAge(ids.feedId()))
                .map(board -> answer(ids.feedId(), board));
    }

    /**
     * The board's prepared answer without a {@code Mono}, when its bytes are ready (computed for the live snapshots
     * and timetable this instance holds, within their max-age); null leaves it to {@link #preparedArrivals}.
     */
    city.onestop.platform.PreparedRead.@org.jspecify.annotations.Nullable Answer readyArrivals(String stopId,
            org.springframework.util.MultiValueMap<String, String> query, org.springframework.http.HttpHeaders headers) {
        Integer minutesBefore = PreparedParams.integer(query, "minutesBefore", 5);
        Integer minutesAfter = PreparedParams.integer(query, "minutesAfter", 35);
        List<String> languages = headers.get("Accept-Language");
        if (minutesBefore == null || minutesAfter == null || (languages != null && languages.size() != 1)) {
            return null;
        }
        // Only a board computed before is ready, and only a valid window and stop id were ever computed.
        ArrivalBoards.BoardJson ready = boards.readyBoardJson(stopId, minutesBefore, minutesAfter,
                languages == null ? null : languages.get(0));
        return ready == null ? null : answer(city.onestop.transit.TransitIds.parse(stopId).feedId(), ready);
    }

    private city.onestop.platform.PreparedRead.Answer answer(String feedId, ArrivalBoards.BoardJson board) {
        return city.onestop.platform.PreparedRead.Answer.json(board.body(), board.etag(), cacheControl(feedId))
                .varyBy("Accept-Language");
    }

    private final java.util.Map<String, String> cacheControls = new java.util.concurrent.ConcurrentHashMap<>();

    /** The board's {@code Cache-Control} value for a feed, built once per feed. */
    private String cacheControl(String feedId) {
        String known = cacheControls.get(feedId);
        if (known != null) return known;
        String value = CacheControl.maxAge(maxAge(feedId)).cachePublic().getHeaderValue();
        if (cacheControls.size() < 1024) cacheControls.put(feedId, value);
        return value;
    }

    /**
     * The board on connect, then the board again whenever it changed after a live update reached this instance
     * (through Redis pub/sub, whichever instance polled), with a comment line as heartbeat. A stream ends when the
     * client goes away; errors after the first board end it with an {@code error} event.
     */
    @GetMapping(path = "/api/v1/transit/stops/{stopId}/arrivals/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(operationId = "streamArrivals", summary = "Server-sent events: the stop's arrivals board on connect and on every change, heartbeats every 15 s")
    Flux<ServerSentEvent<Object>> stream(@PathVariable String stopId,
            @RequestParam(defaultValue = "5") int minutesBefore, @RequestParam(defaultValue = "35") int minutesAfter,
            @org.springframework.web.bind.annotation.RequestHeader(value = "Accept-Language", required = false)
                    @org.jspecify.annotations.Nullable String acceptLanguage) {
        ArrivalBoards.checkWindow(minutesBefore, minutesAfter);
        String feedId = city.onestop.transit.TransitIds.parse(stopId).feedId();
        // The first board is computed before the response starts, so an unknown stop is a plain 404 problem.
        return boards.board(stopId, minutesBefore, minutesAfter, acceptLanguage).flatMapMany(first -> {
            // Any change of the feed (vehicles, predictions, alerts) recomputes the board; it is sent if its rows or
            // its alerts changed.
            // Off the thread that announced the change (a reader that just loaded a snapshot, the pub/sub thread):
            // a thousand streams of one stop recompute on the parallel workers, not inline in someone's request.
            Flux<ArrivalBoards.Board> updates = state.changes()
                    .filter(feedId::equals)
                    .onBackpressureLatest()
                    .publishOn(reactor.core.scheduler.Schedulers.parallel(), 1)
                    .concatMap(f -> boards.board(stopId, minutesBefore, minutesAfter, acceptLanguage), 1);
            Flux<ServerSentEvent<Object>> boardsFlux = Flux.concat(Mono.just(first), updates)
                    .distinctUntilChanged(b -> List.of(b.arrivals(), b.alerts()), (a, b) -> a.equals(b))
                    .map(b -> ServerSentEvent.<Object>builder(b).event("arrivals").build())
                    .onErrorResume(e -> Mono.just(ServerSentEvent.<Object>builder(e.getMessage()).event("error").build()));
            Flux<ServerSentEvent<Object>> heartbeats = Flux.interval(HEARTBEAT, HEARTBEAT)
                    .map(i -> ServerSentEvent.<Object>builder().comment("heartbeat").build());
            return Flux.merge(boardsFlux, heartbeats).takeUntil(e -> "error".equals(e.event()));
        });
    }

}
