package city.onestop.transit.demo;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The demo city's simulated GTFS-realtime feeds, served like an agency's: the local profile's poller ingests
 * them through the same path as any real feed. Without a timetable they are valid, empty feeds.
 */
@RestController
@Tag(name = "Demo city", description = "Simulated GTFS-realtime feeds of the generated demo city")
class DemoFeedController {

    static final MediaType PROTOBUF = MediaType.parseMediaType("application/x-protobuf");

    private final ObjectProvider<SimulatedTimetable> timetable;
    private final Clock clock;
    /** Routes whose simulated buses report per line (route + position + bearing), like Guangzhou's bus GPS. */
    private final java.util.Set<String> lineLevelRoutes;

    DemoFeedController(ObjectProvider<SimulatedTimetable> timetable, Clock clock,
            @org.springframework.beans.factory.annotation.Value("${onestop.transit.demo-line-level-routes:3}") String lineLevel) {
        this.timetable = timetable;
        this.clock = clock;
        this.lineLevelRoutes = java.util.Arrays.stream(lineLevel.split(","))
                .map(String::strip)
                .filter(r -> !r.isEmpty())
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    @GetMapping(path = "/api/v1/demo/gtfs-rt/vehicle-positions.pb", produces = "application/x-protobuf")
    @Operation(operationId = "getDemoVehiclePositions", summary = "Demo city VehiclePositions (GTFS-realtime protobuf)")
    @SecurityRequirements
    Mono<ResponseEntity<byte[]>> vehiclePositions() {
        return feed(true);
    }

    @GetMapping(path = "/api/v1/demo/gtfs-rt/trip-updates.pb", produces = "application/x-protobuf")
    @Operation(operationId = "getDemoTripUpdates", summary = "Demo city TripUpdates (GTFS-realtime protobuf)")
    @SecurityRequirements
    Mono<ResponseEntity<byte[]>> tripUpdates() {
        return feed(false);
    }

    private Mono<ResponseEntity<byte[]>> feed(boolean vehicles) {
        Instant now = clock.instant();
        return Mono.fromCallable(() -> {
                    SimulatedTimetable t = timetable.getIfAvailable();
                    List<SimulatedTimetable.SimTrip> trips = t == null
                            ? List.of()
                            : t.tripsBetween(now.minus(DemoFeeds.window()), now.plus(DemoFeeds.window()));
                    byte[] body = (vehicles ? DemoFeeds.vehiclePositions(trips, now, lineLevelRoutes)
                                    : DemoFeeds.tripUpdates(trips, now, lineLevelRoutes))
                            .toByteArray();
                    return ResponseEntity.ok().contentType(PROTOBUF).cacheControl(CacheControl.noStore()).body(body);
                })
                // The timetable may be backed by anything (a database): keep its work off the event loop.
                .subscribeOn(Schedulers.boundedElastic());
    }
}
