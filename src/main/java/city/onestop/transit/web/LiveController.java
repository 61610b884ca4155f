package city.onestop.transit.web;

import city.onestop.platform.ProblemException;
import city.onestop.transit.arrivals.ArrivalBoards;
import city.onestop.transit.realtime.ingest.FeedHealth;
import city.onestop.transit.realtime.ingest.FeedHealthStore;
import city.onestop.transit.realtime.ingest.FeedKind;
import city.onestop.transit.realtime.ingest.LiveFeedProperties;
import city.onestop.transit.realtime.ingest.LiveQueries;
import city.onestop.transit.realtime.ingest.LiveState;
import city.onestop.transit.realtime.ingest.LiveView;
import city.onestop.transit.realtime.ingest.RedisKeys;
import city.onestop.transit.realtime.ingest.VehicleState;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Live vehicles, service alerts and feed health, served from the near cache of the live state. */
@RestController
@Tag(name = "Transit live", description = "Live vehicles, service alerts and realtime feed health")
class LiveController {

    private static final double MAX_RADIUS_METERS = 5_000;

    private final LiveState state;
    private final FeedHealthStore healthStore;
    private final LiveFeedProperties properties;
    private final org.springframework.data.redis.core.ReactiveStringRedisTemplate redis;
    private final Clock clock;

    private final ArrivalBoards boards;

    LiveController(
            LiveState state,
            FeedHealthStore healthStore,
            LiveFeedProperties properties,
            org.springframework.data.redis.core.ReactiveStringRedisTemplate redis,
            Clock clock,
            ArrivalBoards boards) {
        this.boards = boards;
        this.state = state;
        this.healthStore = healthStore;
        this.properties = properties;
        this.redis = redis;
        this.clock = clock;
    }

    /** A list with how old the data behind it is; {@code stale} when any feed behind it is older than allowed. */
    record Items<T>(List<T> items, Instant generatedAt, @Nullable Long dataAgeSeconds, boolean stale) {}

    record KindStatus(
            String kind,
            String url,
            @Nullable Instant lastAttemptAt,
            @Nullable Instant lastSuccessAt,
            @Nullable Long secondsSinceSuccess,
            @Nullable Instant headerTimestamp,
            @Nullable Long dataAgeSeconds,
            @Nullable String lastOutcome,
            @Nullable String lastError,
            long polls,
            long failures,
            long consecutiveFailures,
            long rejectedBodies,
            long entitiesAccepted,
            long entitiesRejected,
            Map<String, Long> problems,
            String circuitState,
            @Nullable String polledBy) {}

    record FeedStatus(String feedId, Instant generatedAt, @Nullable String pollingInstance, List<KindStatus> feeds) {}

    @GetMapping("/api/v1/transit/feeds/{feedId}/status")
    @Operation(operationId = "getRealtimeFeedStatus", summary = "Health of a feed's realtime polling")
    @SecurityRequirements
    Mono<FeedStatus> status(@PathVariable String feedId) {
        Instant now = clock.instant();
        Mono<String> holder = redis.opsForValue()
                .get(RedisKeys.lease(feedId))
                .timeout(properties.realtime().redisTimeout())
                .defaultIfEmpty("");
        return Mono.zip(healthStore.findAll(feedId), holder)
                .onErrorMap(LiveState::unavailable)
                .flatMap(t -> {
                    if (t.getT1().isEmpty() && properties.feeds().stream().noneMatch(f -> f.id().equals(feedId))) {
                        return Mono.error(ProblemException.notFound("Realtime feed", feedId));
                    }
                    List<KindStatus> kinds = t.getT1().stream().map(h -> kindStatus(h, now)).toList();
                    return Mono.just(new FeedStatus(feedId, now, t.getT2().isEmpty() ? null : t.getT2(), kinds));
                });
    }

    @GetMapping("/api/v1/transit/vehicles")
    @Operation(operationId = "listVehiclesNear", summary = "Live vehicles within a radius of a point")
    @SecurityRequirements
    Mono<Items<LiveQueries.LiveVehicle>> vehiclesNear(
            @RequestParam double lat, @RequestParam double lon, @RequestParam(defaultValue = "500") double radius) {
        if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
            return Mono.error(ProblemException.badRequest("INVALID_COORDINATES", "lat/lon out of range"));
        }
        if (!(radius > 0 && radius <= MAX_RADIUS_METERS)) {
            return Mono.error(ProblemException.badRequest(
                    "INVALID_RADIUS", "radius must be in (0, " + (int) MAX_RADIUS_METERS + "] metres"));
        }
        return vehicles(LiveQueries.within(lat, lon, radius));
    }

    @GetMapping("/api/v1/transit/routes/{routeId}/vehicles")
    @Operation(operationId = "listRouteVehicles", summary = "Live vehicles serving a route")
    @SecurityRequirements
    Mono<Items<LiveQueries.LiveVehicle>> routeVehicles(@PathVariable String routeId) {
        return vehicles(LiveQueries.onRoute(routeId));
    }

    @GetMapping("/api/v1/transit/alerts")
    @Operation(operationId = "listServiceAlerts", summary = "Active service alerts, optionally for a stop or route")
    @SecurityRequirements
    Mono<Items<LiveQueries.AlertItem>> alerts(
            @RequestParam(required = false) @Nullable String stopId,
            @RequestParam(required = false) @Nullable String routeId) {
        Instant now = clock.instant();
        return views(FeedKind.ALERTS).map(views -> items(
                LiveQueries.activeAlerts(views.stream().map(LiveView::snapshot).toList(), now, stopId, routeId),
                LiveQueries.AlertItem::feedId,
                views,
                now));
    }

    private Mono<Items<LiveQueries.LiveVehicle>> vehicles(Predicate<VehicleState> filter) {
        Instant now = clock.instant();
        return views(FeedKind.VEHICLE_POSITIONS).map(views -> items(
                LiveQueries.liveVehicles(
                        views.stream().map(LiveView::snapshot).toList(),
                        now,
                        properties.realtime().vehicleMaxAge(),
                        filter,
                        (feedId, v) -> boards.place(feedId, v, now)),
                LiveQueries.LiveVehicle::feedId,
                views,
                now));
    }

    /**
     * Every feed's snapshot of one kind, from the near cache where possible. A feed whose state cannot be read is
     * left out; if none can be read while some should exist, the answer is a 503 problem.
     */
    private Mono<List<LiveView>> views(FeedKind kind) {
        Set<String> feeds = new LinkedHashSet<>();
        properties.feeds().stream().filter(f -> f.url(kind) != null).forEach(f -> feeds.add(f.id()));
        feeds.addAll(state.knownFeeds(kind));
        return Flux.fromIterable(feeds)
                .flatMap(id -> state.read(id, kind).map(v -> new Read(v, null)).onErrorResume(e -> Mono.just(new Read(null, e))), 8)
                .collectList()
                .flatMap(reads -> {
                    List<LiveView> ok = reads.stream().filter(r -> r.view != null).map(r -> r.view).toList();
                    if (ok.isEmpty()) {
                        return reads.stream()
                                .filter(r -> r.error != null)
                                .findFirst()
                                .<Mono<List<LiveView>>>map(r -> Mono.error(
                                        r.error instanceof ProblemException p ? p : LiveState.unavailable(r.error)))
                                .orElse(Mono.just(List.of()));
                    }
                    return Mono.just(ok);
                });
    }

    private record Read(@Nullable LiveView view, @Nullable Throwable error) {}

    /**
     * A list with the age of the data it comes from: the feeds its items come from, or every feed read when it is
     * empty (an empty list from a stale feed is as untrustworthy as a full one), so another city's feed going quiet
     * doesn't mark this line's buses stale.
     */
    private static <T> Items<T> items(List<T> items, java.util.function.Function<T, String> feedOf, List<LiveView> views, Instant now) {
        Set<String> sources = new java.util.HashSet<>();
        items.forEach(i -> sources.add(feedOf.apply(i)));
        List<LiveView> from = sources.isEmpty() ? views
                : views.stream().filter(v -> sources.contains(v.snapshot().feedId())).toList();
        Long age = from.stream().map(v -> v.age().toSeconds()).max(Long::compare).orElse(null);
        boolean stale = from.stream().anyMatch(LiveView::stale);
        return new Items<>(items, now, age, stale);
    }

    private static KindStatus kindStatus(FeedHealth h, Instant now) {
        return new KindStatus(
                h.kind().name(),
                h.url(),
                h.lastAttemptAt(),
                h.lastSuccessAt(),
                h.lastSuccessAt() == null ? null : Duration.between(h.lastSuccessAt(), now).toSeconds(),
                h.headerTimestamp(),
                h.headerTimestamp() == null ? null : Duration.between(h.headerTimestamp(), now).toSeconds(),
                h.lastOutcome() == null ? null : h.lastOutcome().name(),
                h.lastError(),
                h.polls(),
                h.failures(),
                h.consecutiveFailures(),
                h.rejectedBodies(),
                h.entitiesAccepted(),
                h.entitiesRejected(),
                h.problems(),
                h.circuitState(),
                h.polledBy());
    }

}
