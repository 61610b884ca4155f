package city.onestop.transit.web;

import city.onestop.platform.PreparedRead;
import city.onestop.platform.ProblemException;
import city.onestop.transit.TransitIds;
import city.onestop.transit.schedule.CurrentVersions.FeedVersion;
import city.onestop.transit.schedule.CurrentVersions;
import city.onestop.transit.schedule.Geo;
import city.onestop.transit.schedule.GeoGrid;
import city.onestop.transit.schedule.TransitCache;
import city.onestop.transit.schedule.TransitQueries;
import city.onestop.transit.web.TransitViews.*;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

@RestController
@RequestMapping("/api/v1/transit")
@Tag(name = "Transit", description = "Stops, routes and scheduled departures from the cities' GTFS feeds")
@SecurityRequirements()
class TransitController {

    private static final Duration STATIC_MAX_AGE = Duration.ofMinutes(5);
    private static final Duration DEPARTURES_MAX_AGE = Duration.ofSeconds(30);
    private static final TypeReference<List<TransitQueries.StopTimeRow>> STOP_TIMES = new TypeReference<>() {};

    private static final int NEAR_CACHE_ENTRIES = 4096;
    /** Always with seconds (OffsetDateTime.toString drops ":00"), offset as "+08:00" or "Z". */
    static final java.time.format.DateTimeFormatter RFC_3339 = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
    private final Map<String, List<TransitQueries.StopTimeRow>> nearCache = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * A stop's and a route's response never change within a feed version (the version is in the key): their bytes and
     * ETag are kept in memory, bounded, so a hot read costs neither a Redis round trip nor a hash.
     */
    private final Map<StopKey, Body> bodies = new java.util.concurrent.ConcurrentHashMap<>();

    /** A stop within one feed version. */
    private record StopKey(long versionId, String gtfsId) {}

    private record Body(byte[] bytes, String etag) {}

    /** A body valid for the feed versions it was computed from. */
    private record Versioned(Map<String, FeedVersion> versions, Body body) {}

    /** A body valid within one clock second (-1: for the whole version, which is in its key). */
    private record Timed(long second, Body body) {}

    /** A nearby-stops query as the handler normalizes it (a record: a hot read builds no key string). */
    private record NearbyKey(double lat, double lon, double radius, int limit, @Nullable String feedId) {}

    /** A departures query within one feed version. */
    private record DeparturesKey(long versionId, String stopId, @Nullable String from, int duration, int limit) {}

    private final Map<NearbyKey, Versioned> nearby = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<DeparturesKey, Timed> departureBodies = new java.util.concurrent.ConcurrentHashMap<>();
    private static final String STATIC_CACHE = CacheControl.maxAge(STATIC_MAX_AGE).cachePublic().getHeaderValue();
    private static final String DEPARTURES_CACHE = CacheControl.maxAge(DEPARTURES_MAX_AGE).cachePublic().getHeaderValue();

    private Mono<Body> remembered(StopKey key, Mono<byte[]> load) {
        Body hit = bodies.get(key);
        if (hit != null) return Mono.just(hit);
        return load.map(bytes -> {
            Body b = new Body(bytes, CachedJson.etag(bytes));
            if (bodies.size() >= NEAR_CACHE_ENTRIES) bodies.clear();
            bodies.put(key, b);
            return b;
        });
    }
    private final CurrentVersions versions;
    private final TransitQueries queries;
    private final TransitCache cache;
    private final ObjectMapper json;
    private final Clock clock;

    TransitController(CurrentVersions versions, TransitQueries queries, TransitCache cache, ObjectMapper json, Clock clock) {
        this.versions = versions;
        this.queries = queries;
        this.cache = cache;
        this.json = json;
        this.clock = clock;
    }

    @GetMapping("/stops")
    @ApiResponse(responseCode = "200", description = "OK; 304 to a matching If-None-Match", content = @Content(mediaType = "application/json", schema = @Schema(implementation = NearbyStops.class)))
    @Operation(operationId = "findNearbyStops", summary = "Stops within a radius, nearest first, with the routes serving them")
    Mono<ResponseEntity<byte[]>> nearby(@RequestParam double lat, @RequestParam double lon,
            @RequestParam(defaultValue = "500") double radius, @RequestParam(defaultValue = "100") int limit,
            @RequestParam(required = false) @Nullable String feedId, ServerWebExchange exchange) {
        if (!(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
            return Mono.error(ProblemException.badRequest("INVALID_COORDINATES", "lat must be in [-90, 90] and lon in [-180, 180]"));
        }
        if (!(radius > 0 && radius <= 3000)) {
            return Mono.error(ProblemException.badRequest("INVALID_RADIUS", "radius must be in (0, 3000] metres"));
        }
        int capped = Math.max(1, Math.min(limit, 500));
        return nearbyBody(lat, lon, radius, capped, feedId)
                .map(body -> CachedJson.respond(exchange, body.bytes(), body.etag(), DEPARTURES_MAX_AGE));
    }

    /**
     * The nearby stops as JSON with its ETag, kept per query while the feed versions stay the same (the answer is a
     * function of both), so a hot query is neither recomputed, serialized nor hashed again.
     */
    private Mono<Body> nearbyBody(double lat, double lon, double radius, int capped, @Nullable String feedId) {
        Map<String, FeedVersion> current = versions.snapshot();
        NearbyKey key = new NearbyKey(lat, lon, radius, capped, feedId);
        Body known = readyNearbyBody(key, current);
        if (known != null) {
            return Mono.just(known);
        }
        List<Long> cells = GeoGrid.cellsAround(lat, lon, radius);
        return Flux.fromIterable(current.values())
                .filter(fv -> feedId == null || fv.feedId().equals(feedId))
                .flatMap(fv -> queries.versionData(fv.versionId()).flatMapIterable(data -> {
                    List<NearbyStop> found = new ArrayList<>();
                    for (var s : data.stopsIn(cells)) {
                        if (s.locationType() != 0 && s.locationType() != 1) continue;
                        double d = Geo.distanceMeters(lat, lon, s.lat(), s.lon());
                        if (d > radius) continue;
                        found.add(new NearbyStop(TransitIds.of(fv.feedId(), s.stopId()), s.name(), s.lat(), s.lon(),
                                Math.round(d * 10) / 10.0, routeRefs(fv, data.routes(), s.routeIds())));
                    }
                    return found;
                }), 4)
                .sort(Comparator.comparingDouble(NearbyStop::distanceMeters).thenComparing(NearbyStop::id))
                .take(capped)
                .collectList()
                .map(items -> {
                    byte[] bytes = json.writeValueAsBytes(new NearbyStops(items));
                    Body body = new Body(bytes, CachedJson.etag(bytes));
                    if (nearby.size() >= NEAR_CACHE_ENTRIES) nearby.clear();
                    nearby.put(key, new Versioned(current, body));
                    return body;
                });
    }

    /** The bytes kept for a nearby query if they were computed for the current feed versions, else null. */
    private @Nullable Body readyNearbyBody(NearbyKey key, Map<String, FeedVersion> current) {
        Versioned hit = nearby.get(key);
        if (hit == null) return null;
        if (hit.versions() == current) return hit.body();
        if (!hit.versions().equals(current)) return null;
        // The same versions in a newer map (the 10 s refresh builds one): remember it, so the next hit compares references.
        nearby.replace(key, hit, new Versioned(current, hit.body()));
        return hit.body();
    }

    /** A nearby query as the annotated handler would take it (plain numbers, each at most once) and accept, or null. */
    private static @Nullable NearbyKey nearbyKey(MultiValueMap<String, String> query) {
        Double lat = PreparedParams.decimal(query, "lat", null), lon = PreparedParams.decimal(query, "lon", null);
        Double radius = PreparedParams.decimal(query, "radius", 500.0);
        Integer limit = PreparedParams.integer(query, "limit", 100);
        if (lat == null || lon == null || radius == null || limit == null || !PreparedParams.atMostOnce(query, "feedId")
                || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180) || !(radius > 0 && radius <= 3000)) {
            return null;
        }
        return new NearbyKey(lat, lon, radius, Math.max(1, Math.min(limit, 500)), query.getFirst("feedId"));
    }

    /**
     * The nearby stops from prepared bytes (platform {@code PreparedRead}): only for parameters the annotated handler
     * would take as they are (plain numbers, each at most once) and accept; anything else is left to it.
     */
    Mono<PreparedRead.Answer> preparedNearby(MultiValueMap<String, String> query) {
        NearbyKey key = nearbyKey(query);
        if (key == null) {
            return Mono.empty();
        }
        return nearbyBody(key.lat(), key.lon(), key.radius(), key.limit(), key.feedId())
                .map(body -> PreparedRead.Answer.json(body.bytes(), body.etag(), DEPARTURES_CACHE));
    }

    /** The nearby stops when their bytes are kept for the current versions, without a {@code Mono}; else null. */
    PreparedRead.@Nullable Answer readyNearby(MultiValueMap<String, String> query) {
        NearbyKey key = nearbyKey(query);
        Body body = key == null ? null : readyNearbyBody(key, versions.snapshot());
        return body == null ? null : PreparedRead.Answer.json(body.bytes(), body.etag(), DEPARTURES_CACHE);
    }

    @GetMapping("/stops/{stopId}")
    @ApiResponse(responseCode = "200", description = "OK; 304 to a matching If-None-Match", content = @Content(mediaType = "application/json", schema = @Schema(implementation = StopView.class)))
    @Operation(operationId = "getStop", summary = "One stop with the routes serving it")
    Mono<ResponseEntity<byte[]>> stop(@PathVariable String stopId, ServerWebExchange exchange) {
        FeedVersion fv = version(stopId, "Stop");
        String gtfsId = TransitIds.parse(stopId).gtfsId();
        String key = TransitCache.key(fv.versionId(), "stop", gtfsId);
        return remembered(new StopKey(fv.versionId(), gtfsId), cache.getOrLoad(key, Mono.defer(() -> queries.versionData(fv.versionId())
                        .flatMap(data -> queries.findStop(fv.versionId(), gtfsId).map(s -> new StopView(stopId, fv.feedId(),
                                s.code(), s.name(), s.lat(), s.lon(), s.locationType(),
                                s.parentStation() == null ? null : TransitIds.of(fv.feedId(), s.parentStation()),
                                s.wheelchairBoarding(), routeRefs(fv, data.routes(), s.routeIds()))))
                        .map(json::writeValueAsBytes))))
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Stop", stopId)))
                .map(body -> CachedJson.respond(exchange, body.bytes(), body.etag(), STATIC_MAX_AGE));
    }

    /** The stop from the bytes remembered for its version (the first request of a stop takes the ordinary way). */
    Mono<PreparedRead.Answer> preparedStop(String stopId) {
        PreparedRead.Answer ready = readyStop(stopId);
        return ready == null ? Mono.empty() : Mono.just(ready);
    }

    /** {@link #preparedStop} without a {@code Mono}: the remembered bytes, or null. */
    PreparedRead.@Nullable Answer readyStop(String stopId) {
        TransitIds ids = PreparedParams.ids(stopId);
        FeedVersion fv = ids == null ? null : versions.snapshot().get(ids.feedId());
        Body hit = fv == null ? null : bodies.get(new StopKey(fv.versionId(), ids.gtfsId()));
        return hit == null ? null : PreparedRead.Answer.json(hit.bytes(), hit.etag(), STATIC_CACHE);
    }

    @GetMapping("/routes")
    @ApiResponse(responseCode = "200", description = "OK; 304 to a matching If-None-Match", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Routes.class)))
    @Operation(operationId = "listRoutes", summary = "Routes of all feeds, or of one feed and/or one GTFS route type")
    Mono<ResponseEntity<byte[]>> routes(@RequestParam(required = false) @Nullable String feedId,
            @RequestParam(required = false) @Nullable Integer type, ServerWebExchange exchange) {
        var feeds = versions.snapshot().values().stream()
                .filter(fv -> feedId == null || fv.feedId().equals(feedId))
                .sorted(Comparator.comparing(FeedVersion::feedId)).toList();
        if (feedId != null && feeds.isEmpty()) {
            return Mono.error(ProblemException.notFound("Feed", feedId));
        }
        return Flux.fromIterable(feeds)
                .concatMap(fv -> queries.versionData(fv.versionId()).flatMapIterable(data -> data.routes().values().stream()
                        .filter(r -> type == null || r.type() == type)
                        .sorted(Comparator.comparing((TransitQueries.RouteRow r) -> r.sortOrder() == null ? Integer.MAX_VALUE : r.sortOrder())
                                .thenComparing(r -> r.shortName() == null ? "" : r.shortName(), TransitController::natural)
                                .thenComparing(TransitQueries.RouteRow::routeId))
                        .map(r -> new RouteView(TransitIds.of(fv.feedId(), r.routeId()), fv.feedId(), r.agencyId(),
                                r.shortName(), r.longName(), r.description(), r.type(), r.color(), r.textColor()))
                        .toList()))
                .collectList()
                .map(items -> CachedJson.respond(exchange, json.writeValueAsBytes(new Routes(items)), STATIC_MAX_AGE));
    }

    @GetMapping("/routes/{routeId}")
    @ApiResponse(responseCode = "200", description = "OK; 304 to a matching If-None-Match", content = @Content(mediaType = "application/json", schema = @Schema(implementation = RouteDetail.class)))
    @Operation(operationId = "getRoute", summary = "A route with its stops in order for each pattern and the shapes as encoded polylines")
    Mono<ResponseEntity<byte[]>> route(@PathVariable String routeId, ServerWebExchange exchange) {
        FeedVersion fv = version(routeId, "Route");
        String gtfsId = TransitIds.parse(routeId).gtfsId();
        long v = fv.versionId();
        return cache.getOrLoad(TransitCache.key(v, "route", gtfsId), Mono.defer(() -> queries.versionData(v).flatMap(data -> {
                    var r = data.routes().get(gtfsId);
                    if (r == null) return Mono.empty();
                    return Mono.zip(queries.findPatterns(v, gtfsId).collectList(), queries.tripCounts(v, gtfsId))
                            .flatMap(t -> Flux.fromIterable(t.getT1())
                                    .concatMap(p -> patternView(fv, p, t.getT2().getOrDefault(p.patternId(), 0L)))
                                    .collectList())
                            .map(patterns -> new RouteDetail(routeId, fv.feedId(), r.agencyId(), r.shortName(), r.longName(),
                                    r.description(), r.type(), r.color(), r.textColor(), patterns))
                            .map(json::writeValueAsBytes);
                })))
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Route", routeId)))
                .map(body -> CachedJson.respond(exchange, body, STATIC_MAX_AGE));
    }

    private Mono<PatternView> patternView(FeedVersion fv, TransitQueries.PatternRow p, long trips) {
        long v = fv.versionId();
        Mono<List<PatternStop>> stops = queries.findStops(v, p.stopIds().stream().distinct().toList())
                .collectMap(TransitQueries.StopRow::stopId, s -> s)
                .map(byId -> {
                    List<PatternStop> out = new ArrayList<>();
                    for (int i = 0; i < p.stopIds().size(); i++) {
                        var s = byId.get(p.stopIds().get(i));
                        if (s == null) continue;
                        out.add(new PatternStop(TransitIds.of(fv.feedId(), s.stopId()), s.name(), s.lat(), s.lon(),
                                Math.round(p.distancesMeters()[i] * 10) / 10.0));
                    }
                    return out;
                });
        Mono<java.util.Optional<ShapeView>> shape = p.shapeId() == null ? Mono.just(java.util.Optional.empty())
                : queries.findShape(v, p.shapeId()).map(s -> java.util.Optional.of(new ShapeView(TransitIds.of(fv.feedId(), s.shapeId()),
                        s.polyline(), Math.round(s.distancesMeters()[s.distancesMeters().length - 1] * 10) / 10.0)))
                        .defaultIfEmpty(java.util.Optional.empty());
        return Mono.zip(stops, shape).map(t -> new PatternView(TransitIds.of(fv.feedId(), p.routeId() + ":" + p.patternId()),
                p.directionId(), p.headsign(), trips, p.distanceSource(), t.getT1(), t.getT2().orElse(null)));
    }

    @GetMapping("/stops/{stopId}/departures")
    @ApiResponse(responseCode = "200", description = "OK; 304 to a matching If-None-Match", content = @Content(mediaType = "application/json", schema = @Schema(implementation = TransitViews.Departures.class)))
    @Operation(operationId = "listDepartures", summary = "Scheduled departures from a stop in [from, from + duration), in time order")
    Mono<ResponseEntity<byte[]>> departures(@PathVariable String stopId, @RequestParam(required = false) @Nullable String from,
            @RequestParam(defaultValue = "60") int duration, @RequestParam(defaultValue = "100") int limit,
            ServerWebExchange exchange) {
        Instant start;
        try {
            start = from == null ? now() : OffsetDateTime.parse(from).toInstant();
        } catch (DateTimeParseException e) {
            return Mono.error(ProblemException.badRequest("INVALID_TIME", "from must be an RFC 3339 date-time with offset, e.g. 2025-11-06T17:00:00-04:00"));
        }
        if (duration < 1 || duration > 1440) {
            return Mono.error(ProblemException.badRequest("INVALID_DURATION", "duration must be 1..1440 minutes"));
        }
        int capped = Math.max(1, Math.min(limit, 1000));
        FeedVersion fv = version(stopId, "Stop");
        return departuresBody(stopId, fv, from, start, duration, capped)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Stop", stopId)))
                .map(body -> CachedJson.respond(exchange, body.bytes(), body.etag(), DEPARTURES_MAX_AGE));
    }

    /**
     * "Now" for a departures list without {@code from}: whole seconds (GTFS times have no finer resolution), so all
     * requests within one second share one answer.
     */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    /**
     * The departures as JSON with its ETag, kept per query and version (and, without {@code from}, per second): a hot
     * stop's list is computed, serialized and hashed once per second, not per request. Empty for an unknown stop.
     */
    private Mono<Body> departuresBody(String stopId, FeedVersion fv, @Nullable String from, Instant start, int duration,
            int capped) {
        String gtfsId = TransitIds.parse(stopId).gtfsId();
        long v = fv.versionId();
        long second = from == null ? start.getEpochSecond() : -1;
        DeparturesKey memoKey = new DeparturesKey(v, stopId, from, duration, capped);
        Timed hit = departureBodies.get(memoKey);
        if (hit != null && hit.second() == second) {
            return Mono.just(hit.body());
        }
        Instant end = start.plus(Duration.ofMinutes(duration));
        String key = TransitCache.key(v, "stop-times", gtfsId);
        List<TransitQueries.StopTimeRow> near = nearCache.get(key);
        Mono<List<TransitQueries.StopTimeRow>> rows = near != null ? Mono.just(near) : cache.getOrLoad(key,
                        Mono.defer(() -> queries.findStop(v, gtfsId)
                                .flatMap(s -> queries.stopTimesAt(v, gtfsId).collectList())
                                .map(json::writeValueAsBytes)))
                .map(bytes -> json.readValue(bytes, STOP_TIMES))
                .doOnNext(list -> {
                    // A stop's timetable never changes within a version: keep the parsed rows in memory, bounded.
                    if (nearCache.size() >= NEAR_CACHE_ENTRIES) nearCache.clear();
                    nearCache.put(key, list);
                });
        return rows.zipWith(queries.versionData(v))
                .map(t -> {
                    var data = t.getT2();
                    var list = city.onestop.transit.schedule.Departures.between(t.getT1(), data.calendar(), data.frequencies(), fv.zone(), start, end);
                    List<Departure> items = new ArrayList<>();
                    for (var d : list.subList(0, Math.min(list.size(), capped))) {
                        var route = data.routes().get(d.row().routeId());
                        items.add(new Departure(TransitIds.of(fv.feedId(), d.row().tripId()),
                                TransitIds.of(fv.feedId(), d.row().routeId()), route == null ? null : route.shortName(),
                                d.row().headsign(), d.serviceDate().toString(),
                                RFC_3339.format(d.arrival().atZone(fv.zone())),
                                RFC_3339.format(d.departure().atZone(fv.zone())), d.row().stopSequence(),
                                d.frequencyBased()));
                    }
                    byte[] bytes = json.writeValueAsBytes(new TransitViews.Departures(items));
                    Body body = new Body(bytes, CachedJson.etag(bytes));
                    if (departureBodies.size() >= NEAR_CACHE_ENTRIES) departureBodies.clear();
                    departureBodies.put(memoKey, new Timed(second, body));
                    return body;
                });
    }

    /**
     * The departures when their bytes are kept for this query, version and second, without a {@code Mono}; else null
     * (a list with {@code from}, or anything unusual, is left to {@link #preparedDepartures}).
     */
    PreparedRead.@Nullable Answer readyDepartures(String stopId, MultiValueMap<String, String> query) {
        if (query.containsKey("from")) {
            return null;
        }
        TransitIds ids = PreparedParams.ids(stopId);
        FeedVersion fv = ids == null ? null : versions.snapshot().get(ids.feedId());
        Integer duration = PreparedParams.integer(query, "duration", 60), limit = PreparedParams.integer(query, "limit", 100);
        if (fv == null || duration == null || limit == null || duration < 1 || duration > 1440) {
            return null;
        }
        Timed hit = departureBodies.get(new DeparturesKey(fv.versionId(), stopId, null, duration, Math.max(1, Math.min(limit, 1000))));
        if (hit == null || hit.second() != now().getEpochSecond()) {
            return null;
        }
        return PreparedRead.Answer.json(hit.body().bytes(), hit.body().etag(), DEPARTURES_CACHE);
    }

    /** The departures from prepared bytes: parameters as the annotated handler would take them, else left to it. */
    Mono<PreparedRead.Answer> preparedDepartures(String stopId, MultiValueMap<String, String> query) {
        TransitIds ids = PreparedParams.ids(stopId);
        FeedVersion fv = ids == null ? null : versions.snapshot().get(ids.feedId());
        Integer duration = PreparedParams.integer(query, "duration", 60), limit = PreparedParams.integer(query, "limit", 100);
        if (fv == null || duration == null || limit == null || duration < 1 || duration > 1440
                || !PreparedParams.atMostOnce(query, "from")) {
            return Mono.empty();
        }
        String from = query.getFirst("from");
        Instant start;
        try {
            start = from == null ? now() : OffsetDateTime.parse(from).toInstant();
        } catch (DateTimeParseException e) {
            return Mono.empty();
        }
        return departuresBody(stopId, fv, from, start, duration, Math.max(1, Math.min(limit, 1000)))
                .map(body -> PreparedRead.Answer.json(body.bytes(), body.etag(), DEPARTURES_CACHE));
    }

    private FeedVersion version(String id, String what) {
        var ids = TransitIds.parse(id);
        FeedVersion fv = versions.snapshot().get(ids.feedId());
        if (fv == null) throw versions.missing(what, id, ids.feedId());
        return fv;
    }

    private static List<RouteRef> routeRefs(FeedVersion fv, Map<String, TransitQueries.RouteRow> routes, List<String> ids) {
        List<RouteRef> out = new ArrayList<>();
        for (String id : ids) {
            var r = routes.get(id);
            if (r != null) out.add(new RouteRef(TransitIds.of(fv.feedId(), id), r.shortName(), r.type(), r.color()));
        }
        out.sort(Comparator.comparing(r -> r.shortName() == null ? "" : r.shortName(), TransitController::natural));
        return out;
    }

    /** "2" before "10": leading numbers in route names compare as numbers. */
    static int natural(String a, String b) {
        long na = leadingNumber(a), nb = leadingNumber(b);
        if (na >= 0 && nb >= 0 && na != nb) return Long.compare(na, nb);
        return a.compareTo(b);
    }

    private static long leadingNumber(String s) {
        long n = -1;
        for (int i = 0; i < s.length() && i < 9; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') break;
            n = (n < 0 ? 0 : n * 10) + (c - '0');
        }
        return n;
    }
}
