package city.onestop.transit.realtime;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.List;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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
class ArrivalController {

    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final ArrivalBoards boards;
    private final LiveState state;

    ArrivalController(ArrivalBoards boards, LiveState state) {
        this.boards = boards;
        this.state = state;
    }

    @GetMapping("/api/v1/transit/stops/{stopId}/arrivals")
    @Operation(operationId = "listArrivals", summary = "Arrivals at a stop in [now - minutesBefore, now + minutesAfter]: "
            + "schedule joined with live vehicles and predictions, sorted by best known arrival")
    @ApiResponse(responseCode = "200", description = "OK", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = ArrivalBoards.Board.class)))
    Mono<ResponseEntity<byte[]>> arrivals(@PathVariable String stopId,
            @RequestParam(defaultValue = "5") int minutesBefore, @RequestParam(defaultValue = "35") int minutesAfter) {
        ArrivalBoards.checkWindow(minutesBefore, minutesAfter);
        return boards.boardJson(stopId, minutesBefore, minutesAfter)
                .map(body -> ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .cacheControl(CacheControl.noCache())
                        .body(body));
    }

    /**
     * The board on connect, then the board again whenever it changed after a live update reached this instance
     * (through Redis pub/sub, whichever instance polled), with a comment line as heartbeat. A stream ends when the
     * client goes away; errors after the first board end it with an {@code error} event.
     */
    @GetMapping(path = "/api/v1/transit/stops/{stopId}/arrivals/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(operationId = "streamArrivals", summary = "Server-sent events: the stop's arrivals board on connect and on every change, heartbeats every 15 s")
    Flux<ServerSentEvent<Object>> stream(@PathVariable String stopId,
            @RequestParam(defaultValue = "5") int minutesBefore, @RequestParam(defaultValue = "35") int minutesAfter) {
        ArrivalBoards.checkWindow(minutesBefore, minutesAfter);
        String feedId = city.onestop.transit.TransitIds.parse(stopId).feedId();
        // The first board is computed before the response starts, so an unknown stop is a plain 404 problem.
        return boards.board(stopId, minutesBefore, minutesAfter).flatMapMany(first -> {
            Flux<ArrivalBoards.Board> updates = state.changes()
                    .filter(feedId::equals)
                    .onBackpressureLatest()
                    .concatMap(f -> boards.board(stopId, minutesBefore, minutesAfter), 1);
            Flux<ServerSentEvent<Object>> boardsFlux = Flux.concat(Mono.just(first), updates)
                    .distinctUntilChanged(ArrivalBoards.Board::arrivals, (a, b) -> sameBoard(a, b))
                    .map(b -> ServerSentEvent.<Object>builder(b).event("arrivals").build())
                    .onErrorResume(e -> Mono.just(ServerSentEvent.<Object>builder(e.getMessage()).event("error").build()));
            Flux<ServerSentEvent<Object>> heartbeats = Flux.interval(HEARTBEAT, HEARTBEAT)
                    .map(i -> ServerSentEvent.<Object>builder().comment("heartbeat").build());
            return Flux.merge(boardsFlux, heartbeats).takeUntil(e -> "error".equals(e.event()));
        });
    }

    private static boolean sameBoard(List<ArrivalBoards.Row> a, List<ArrivalBoards.Row> b) {
        return a.equals(b);
    }
}
