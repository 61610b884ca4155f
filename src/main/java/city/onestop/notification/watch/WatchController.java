package city.onestop.notification.watch;

import city.onestop.platform.CurrentUser;
import city.onestop.platform.ProblemException;
import city.onestop.transit.StopBoards;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/me/watches")
@Tag(name = "Watches", description = "Trips I watch at a stop, to be told when the bus is 2 stops away")
class WatchController {

    /** A watch lives until this long after the trip's arrival at the stop. */
    static final Duration GRACE = Duration.ofMinutes(10);
    private static final int LOOKAHEAD = 50;

    private final WatchStore store;
    private final StopBoards boards;
    private final Clock clock;

    WatchController(WatchStore store, StopBoards boards, Clock clock) {
        this.store = store;
        this.boards = boards;
        this.clock = clock;
    }

    record NewWatch(@NotBlank @Size(max = 200) String stopId, @NotBlank @Size(max = 200) String tripId) {}

    record WatchView(UUID id, String stopId, String tripId, OffsetDateTime createdAt, OffsetDateTime expiresAt,
            OffsetDateTime notifiedAt) {}

    record WatchList(List<WatchView> items) {}

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "createWatch", summary = "Watch a trip at a stop: a notification when it is 2 stops away; 404 unknown stop, "
            + "422 TRIP_NOT_UPCOMING when the trip does not call there in the next two hours, 409 WATCHES_LIMIT at 10")
    Mono<WatchView> create(@Valid @RequestBody NewWatch body) {
        return CurrentUser.get().flatMap(u -> boards.stopExists(body.stopId())
                .flatMap(exists -> exists ? boards.nextArrivals(body.stopId(), LOOKAHEAD)
                        : Mono.error(ProblemException.notFound("Stop", body.stopId())))
                .flatMap(arrivals -> arrivals.stream().filter(a -> a.tripId().equals(body.tripId())).findFirst()
                        .map(Mono::just)
                        .orElseGet(() -> Mono.error(new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "TRIP_NOT_UPCOMING",
                                "Trip not upcoming", "Trip " + body.tripId() + " does not call at " + body.stopId()
                                        + " in the next two hours"))))
                .flatMap(arrival -> {
                    OffsetDateTime at = arrival.predictedArrival() != null ? arrival.predictedArrival() : arrival.scheduledArrival();
                    return store.create(u.id(), body.stopId(), body.tripId(), clock.instant(), at.toInstant().plus(GRACE));
                })
                .switchIfEmpty(Mono.error(() -> ProblemException.conflict("WATCHES_LIMIT",
                        "At most " + WatchStore.MAX_PER_CITIZEN + " active watches")))
                .map(WatchController::view));
    }

    @GetMapping
    @Operation(operationId = "listWatches", summary = "My active watches (at most 10, so not paginated)")
    Mono<WatchList> list() {
        return CurrentUser.get().flatMap(u -> store.listActive(u.id(), clock.instant()))
                .map(l -> new WatchList(l.stream().map(WatchController::view).toList()));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "deleteWatch", summary = "Stop watching")
    Mono<Void> delete(@PathVariable UUID id) {
        return CurrentUser.get().flatMap(u -> store.delete(u.id(), id))
                .flatMap(done -> done ? Mono.<Void>empty() : Mono.error(ProblemException.notFound("Watch", id.toString())));
    }

    private static WatchView view(WatchStore.Watch w) {
        return new WatchView(w.id(), w.stopId(), w.tripId(), w.createdAt(), w.expiresAt(), w.notifiedAt());
    }
}
