package city.onestop.transit.schedule;

import city.onestop.transit.gtfs.GtfsFeed;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The current static timetable of every feed, in memory: trips with their stops placed along their shapes, the
 * stops each trip visits, the service calendar. Loaded from PostgreSQL once per feed version (in the background,
 * when a version becomes current), so that arrivals are computed without any SQL on the request path. Halifax
 * (~300k stop times) takes a few tens of MB as primitive arrays.
 */
@Component
public class Timetables {

    private static final Logger log = LoggerFactory.getLogger(Timetables.class);

    /** One scheduled trip: stops in order, GTFS times in seconds of its service day, metres along its shape. */
    public record Trip(
            String tripId,
            String routeId,
            String serviceId,
            @Nullable String headsign,
            String[] stopIds,
            int[] stopSequences,
            int[] arrivals,
            int[] departures,
            double[] distances,
            Polyline shape,
            boolean frequencyBased) {

        public Instant[] span(LocalDate day, ZoneId zone) {
            return new Instant[] {
                ServiceDays.instant(day, departures[0], zone), ServiceDays.instant(day, arrivals[arrivals.length - 1], zone)
            };
        }
    }

    /** Where a trip calls at a stop: the index into its stops. */
    public record Visit(Trip trip, int index) {}

    public record Stop(String stopId, @Nullable String name, double lat, double lon) {}

    /** One feed version's timetable. */
    public record Timetable(
            String feedId,
            long versionId,
            ZoneId zone,
            Map<String, Trip> trips,
            Map<String, List<Visit>> visits,
            Map<String, Stop> stops,
            Map<String, TransitQueries.RouteRow> routes,
            ServiceCalendar calendar,
            Map<String, List<GtfsFeed.Frequency>> frequencies,
            Map<String, List<Trip>> routePatterns) {

        public Timetable(String feedId, long versionId, ZoneId zone, Map<String, Trip> trips, Map<String, List<Visit>> visits,
                Map<String, Stop> stops, Map<String, TransitQueries.RouteRow> routes, ServiceCalendar calendar,
                Map<String, List<GtfsFeed.Frequency>> frequencies) {
            this(feedId, versionId, zone, trips, visits, stops, routes, calendar, frequencies, patternsOf(trips));
        }

        /**
         * A route's patterns (distinct stop sequence on a distinct shape), each represented by one of its trips: where
         * a vehicle that names only its line can be. Ordered by trip id, so every instance picks the same one.
         */
        static Map<String, List<Trip>> patternsOf(Map<String, Trip> trips) {
            Map<String, Map<List<Object>, Trip>> byRoute = new HashMap<>();
            trips.values().stream().sorted(java.util.Comparator.comparing(Trip::tripId)).forEach(t -> byRoute
                    .computeIfAbsent(t.routeId(), k -> new java.util.LinkedHashMap<>())
                    .putIfAbsent(List.of(Arrays.asList(t.stopIds()), System.identityHashCode(t.shape())), t));
            Map<String, List<Trip>> out = new HashMap<>();
            byRoute.forEach((route, patterns) -> out.put(route, List.copyOf(patterns.values())));
            return out;
        }

        public TripPlan plan(Trip t, LocalDate day) {
            List<PlannedStop> stops = new ArrayList<>(t.stopIds().length);
            for (int i = 0; i < t.stopIds().length; i++) {
                stops.add(new PlannedStop(t.stopIds()[i], t.stopSequences()[i], t.distances()[i],
                        ServiceDays.instant(day, t.arrivals()[i], zone), ServiceDays.instant(day, t.departures()[i], zone)));
            }
            return new TripPlan(t.tripId(), stops, t.shape());
        }

        /** The service day a realtime trip descriptor means (start date matched tolerantly), if the trip runs. */
        public Optional<LocalDate> serviceDay(Trip t, @Nullable String startDate, Instant now) {
            return ServiceDays.match(startDate, now, zone, d -> calendar.isActive(t.serviceId(), d), d -> t.span(d, zone));
        }
    }

    /** Longest a timetable load may take (Halifax's takes seconds); then it fails and the next call retries. */
    static final Duration LOAD_TIMEOUT = Duration.ofMinutes(2);

    private final DatabaseClient db;
    private final CurrentVersions versions;
    private final TransitQueries queries;
    private final Map<Long, Mono<Timetable>> loaded = new ConcurrentHashMap<>();
    private final Map<Long, Timetable> ready = new ConcurrentHashMap<>();
    private final java.util.Set<String> wanted = ConcurrentHashMap.newKeySet();
    private volatile @Nullable Disposable refresher;

    Timetables(DatabaseClient db, CurrentVersions versions, TransitQueries queries) {
        this.db = db;
        this.versions = versions;
        this.queries = queries;
    }

    /**
     * Every few seconds: loads the new current version of every feed asked for before (so a switch is loaded ahead
     * of the next request) and drops superseded ones. Feeds never asked for are never loaded.
     */
    @EventListener(ApplicationReadyEvent.class)
    void start() {
        refresher = Flux.interval(Duration.ofSeconds(1), Duration.ofSeconds(5))
                .concatMap(t -> {
                    evictSuperseded();
                    return Flux.fromIterable(wanted)
                            .concatMap(f -> timetable(f).onErrorResume(e -> {
                                log.warn("Could not load the timetable of feed {}: {}", f, e.toString());
                                return Mono.empty();
                            }))
                            .then();
                })
                .subscribe();
    }

    /**
     * The one eviction rule of the in-memory schedule: a version that no feed has current leaves memory (its
     * timetable and its version data), at the next refresh (every 5 s) or at once after an import switched versions.
     * Redis entries carry the version in their key and are deleted by the import's purge.
     */
    public void evictSuperseded() {
        java.util.Set<Long> current = new java.util.HashSet<>();
        versions.snapshot().values().forEach(fv -> current.add(fv.versionId()));
        loaded.keySet().retainAll(current);
        ready.keySet().retainAll(current);
        queries.retain(current);
    }

    @PreDestroy
    void stop() {
        Disposable d = refresher;
        if (d != null) d.dispose();
    }

    /** 503 {@code FEED_LOADING} while the feed's first import runs, else 404: for an id the timetable lacks. */
    public city.onestop.platform.ProblemException missing(String what, String id, String feedId) {
        return versions.snapshot().containsKey(feedId)
                ? city.onestop.platform.ProblemException.notFound(what, id)
                : versions.missing(what, id, feedId);
    }

    /** The loaded timetable of a feed's current version, never waiting: empty while it loads or if none. */
    public Optional<Timetable> current(String feedId) {
        // Wanted even before the feed has a version: the refresher loads it as soon as one is current.
        wanted.add(feedId);
        var fv = versions.snapshot().get(feedId);
        if (fv == null) return Optional.empty();
        Timetable t = ready.get(fv.versionId());
        if (t == null && !loaded.containsKey(fv.versionId())) {
            timetable(feedId).subscribe(null, e -> log.warn("Timetable load of {} failed: {}", feedId, e.toString()));
        }
        return Optional.ofNullable(t);
    }

    /** The timetable of a feed's current version, loading it once if needed; empty for an unknown feed. */
    public Mono<Timetable> timetable(String feedId) {
        var fv = versions.snapshot().get(feedId);
        if (fv == null) return Mono.empty();
        wanted.add(feedId);
        // Bounded: the load is shared by every caller of this version, and the refresher waits for it, so one
        // load that never ends (a database connection answering nobody) must not stall them all for good.
        return loaded.computeIfAbsent(fv.versionId(), v -> load(fv).timeout(LOAD_TIMEOUT).doOnNext(t -> ready.put(v, t)).cache())
                .onErrorResume(e -> {
                    loaded.remove(fv.versionId());
                    return Mono.error(e);
                });
    }

    private record TripRow(String tripId, String routeId, String serviceId, @Nullable String headsign, @Nullable String shapeId) {}

    private record StopTimeRow(String tripId, String stopId, int sequence, int arrival, int departure, double distance) {}

    private Mono<Timetable> load(CurrentVersions.FeedVersion fv) {
        long v = fv.versionId();
        long started = System.nanoTime();
        Mono<Map<String, TripRow>> trips = db.sql("select trip_id, route_id, service_id, headsign, shape_id from transit_trip where version_id = :v")
                .bind("v", v)
                .map((r, m) -> new TripRow(r.get("trip_id", String.class), r.get("route_id", String.class),
                        r.get("service_id", String.class), r.get("headsign", String.class), r.get("shape_id", String.class)))
                .all()
                .collectMap(TripRow::tripId, t -> t);
        Mono<Map<String, Polyline>> shapes = db.sql("select shape_id, lats, lons from transit_shape where version_id = :v")
                .bind("v", v)
                .map((r, m) -> Map.entry(r.get("shape_id", String.class),
                        new double[][] {doubles(r.get("lats", Double[].class)), doubles(r.get("lons", Double[].class))}))
                .all()
                .filter(e -> e.getValue()[0].length >= 2)
                .collectMap(Map.Entry::getKey, e -> new Polyline(e.getValue()[0], e.getValue()[1]));
        Mono<Map<String, List<StopTimeRow>>> times = db.sql("select trip_id, stop_id, stop_sequence, arrival_seconds, "
                        + "departure_seconds, distance_meters from transit_stop_time where version_id = :v order by trip_id, stop_index")
                .bind("v", v)
                .map((r, m) -> new StopTimeRow(r.get("trip_id", String.class), r.get("stop_id", String.class).intern(),
                        r.get("stop_sequence", Integer.class), r.get("arrival_seconds", Integer.class),
                        r.get("departure_seconds", Integer.class), r.get("distance_meters", Double.class)))
                .all()
                .collect(HashMap<String, List<StopTimeRow>>::new,
                        (map, st) -> map.computeIfAbsent(st.tripId(), k -> new ArrayList<>()).add(st));
        Mono<Map<String, Stop>> stops = db.sql("select stop_id, name, lat, lon from transit_stop where version_id = :v")
                .bind("v", v)
                .map((r, m) -> {
                    Double lat = r.get("lat", Double.class), lon = r.get("lon", Double.class);
                    return new Stop(r.get("stop_id", String.class), r.get("name", String.class),
                            lat == null ? Double.NaN : lat, lon == null ? Double.NaN : lon);
                })
                .all()
                .collectMap(Stop::stopId, s -> s);
        return Mono.zip(trips, shapes, times, stops, queries.versionData(v))
                // Building Halifax's arrays takes a while: not on the database driver's event loop.
                .publishOn(reactor.core.scheduler.Schedulers.parallel())
                .map(t -> build(fv, t.getT1(), t.getT2(), t.getT3(), t.getT4(), t.getT5()))
                .doOnNext(tt -> log.info("Timetable of feed {} version {} in memory: {} trips, {} stops, {} ms", fv.feedId(), v,
                        tt.trips().size(), tt.stops().size(), (System.nanoTime() - started) / 1_000_000));
    }

    private static Timetable build(CurrentVersions.FeedVersion fv, Map<String, TripRow> tripRows, Map<String, Polyline> shapes,
            Map<String, List<StopTimeRow>> times, Map<String, Stop> stops, TransitQueries.VersionData data) {
        Map<String, Trip> trips = new HashMap<>();
        Map<String, List<Visit>> visits = new HashMap<>();
        Map<String, List<GtfsFeed.Frequency>> frequencies = data.frequencies();
        for (var e : times.entrySet()) {
            TripRow row = tripRows.get(e.getKey());
            List<StopTimeRow> st = e.getValue();
            if (row == null || st.size() < 2) continue;
            int n = st.size();
            String[] ids = new String[n];
            int[] seq = new int[n], arr = new int[n], dep = new int[n];
            double[] dist = new double[n];
            for (int i = 0; i < n; i++) {
                StopTimeRow s = st.get(i);
                ids[i] = s.stopId();
                seq[i] = s.sequence();
                arr[i] = s.arrival();
                dep[i] = s.departure();
                dist[i] = s.distance();
            }
            Polyline shape = row.shapeId() == null ? null : shapes.get(row.shapeId());
            if (shape == null) shape = straightLine(ids, stops);
            if (shape == null) continue;
            Trip trip = new Trip(row.tripId(), row.routeId(), row.serviceId(), row.headsign(), ids, seq, arr, dep, dist,
                    shape, frequencies.containsKey(row.tripId()));
            trips.put(trip.tripId(), trip);
            for (int i = 0; i < n; i++) visits.computeIfAbsent(ids[i], k -> new ArrayList<>()).add(new Visit(trip, i));
        }
        return new Timetable(fv.feedId(), fv.versionId(), fv.zone(), trips, visits, stops, data.routes(), data.calendar(),
                frequencies);
    }

    /** A trip without a shape: its stops joined by straight lines (part 1 placed them the same way). */
    private static @Nullable Polyline straightLine(String[] ids, Map<String, Stop> stops) {
        double[] lats = new double[ids.length], lons = new double[ids.length];
        for (int i = 0; i < ids.length; i++) {
            Stop s = stops.get(ids[i]);
            if (s == null || Double.isNaN(s.lat())) return null;
            lats[i] = s.lat();
            lons[i] = s.lon();
        }
        return new Polyline(lats, lons);
    }

    private static double[] doubles(Double @Nullable [] boxed) {
        return boxed == null ? new double[0] : Arrays.stream(boxed).mapToDouble(Double::doubleValue).toArray();
    }
}
