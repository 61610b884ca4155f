package city.onestop.transit.realtime;

import city.onestop.platform.ProblemException;
import city.onestop.transit.TransitIds;
import city.onestop.transit.gtfs.GtfsFeed;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A stop's arrivals board: part 1's scheduled stop times (held in memory by {@link Timetables}) joined with the live
 * state (the near cache of {@link LiveState}) through the pure {@link Arrivals} functions. Computed per request in
 * memory: no SQL, and no Redis round trip once this instance has seen the feed's snapshots.
 */
@Component
class ArrivalBoards {

    /** A passed bus (or a cancelled/skipped call) stays on the board this long after its time, then leaves. */
    static final Duration PASSED_GRACE = Duration.ofMinutes(2);
    /** Scheduled calls this much before the window are still considered: a late bus may arrive inside it. */
    private static final Duration LATE_SLACK = Duration.ofMinutes(30);

    static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

    record StopRef(String id, @Nullable String name, double lat, double lon) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Row(
            @Nullable String routeId,
            @Nullable String routeShortName,
            String tripId,
            @Nullable String headsign,
            String serviceDate,
            String scheduledArrival,
            @Nullable String predictedArrival,
            @Nullable Integer delaySeconds,
            String status,
            @Nullable String vehicleId,
            @Nullable Integer numberOfStopsAway,
            @Nullable Double distanceFromStopMeters,
            @Nullable String vehicleLastUpdated) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Board(StopRef stop, String generatedAt, @Nullable Long dataAgeSeconds, List<Row> arrivals) {}

    private final Timetables timetables;
    private final LiveState state;
    private final Clock clock;
    private final LiveFeedProperties.Realtime config;
    private final Map<String, Indexed> indexes = new ConcurrentHashMap<>();
    private final tools.jackson.databind.json.JsonMapper json;
    private final Map<String, Serialized> serialized = new ConcurrentHashMap<>();
    private static final int SERIALIZED_ENTRIES = 20_000;

    ArrivalBoards(Timetables timetables, LiveState state, Clock clock, LiveFeedProperties properties,
            tools.jackson.databind.json.JsonMapper json) {
        this.timetables = timetables;
        this.state = state;
        this.clock = clock;
        this.config = properties.realtime();
        this.json = json;
    }

    /** A board as JSON, valid for the snapshots and timetable it was computed from, within one clock second. */
    private record Serialized(byte[] body, @Nullable LiveSnapshot vp, @Nullable LiveSnapshot tu, long versionId, long second) {}

    /**
     * The board as JSON bytes. Under load most requests reuse the bytes computed earlier in the same clock second
     * from the same snapshots and timetable (a board is at most one second old; a new snapshot is seen at once).
     */
    Mono<byte[]> boardJson(String stopId, int minutesBefore, int minutesAfter) {
        TransitIds ids = TransitIds.parse(stopId);
        String key = stopId + "|" + minutesBefore + "|" + minutesAfter;
        return timetables.timetable(ids.feedId())
                .filter(t -> t.stops().containsKey(ids.gtfsId()))
                .switchIfEmpty(Mono.error(() -> timetables.missing("Stop", stopId, ids.feedId())))
                .flatMap(t -> Mono.zip(live(t.feedId(), FeedKind.VEHICLE_POSITIONS), live(t.feedId(), FeedKind.TRIP_UPDATES))
                        .map(views -> {
                            Instant now = clock.instant();
                            LiveView vp = views.getT1().orElse(null), tu = views.getT2().orElse(null);
                            LiveSnapshot vs = vp == null ? null : vp.snapshot(), ts = tu == null ? null : tu.snapshot();
                            Serialized hit = serialized.get(key);
                            if (hit != null && hit.vp() == vs && hit.tu() == ts && hit.versionId() == t.versionId()
                                    && hit.second() == now.getEpochSecond()) {
                                return hit.body();
                            }
                            byte[] body = json.writeValueAsBytes(compute(t, t.stops().get(ids.gtfsId()), vp, tu, now,
                                    Duration.ofMinutes(minutesBefore), Duration.ofMinutes(minutesAfter)));
                            if (serialized.size() >= SERIALIZED_ENTRIES) serialized.clear();
                            serialized.put(key, new Serialized(body, vs, ts, t.versionId(), now.getEpochSecond()));
                            return body;
                        }));
    }

    static void checkWindow(int minutesBefore, int minutesAfter) {
        if (minutesBefore < 0 || minutesBefore > 60) {
            throw ProblemException.badRequest("INVALID_WINDOW", "minutesBefore must be 0..60");
        }
        if (minutesAfter < 1 || minutesAfter > 240) {
            throw ProblemException.badRequest("INVALID_WINDOW", "minutesAfter must be 1..240");
        }
    }

    /** The board of a stop ({@code feedId:stopId}); a 404 problem for an unknown feed or stop. */
    Mono<Board> board(String stopId, int minutesBefore, int minutesAfter) {
        TransitIds ids = TransitIds.parse(stopId);
        return timetables.timetable(ids.feedId())
                .filter(t -> t.stops().containsKey(ids.gtfsId()))
                .switchIfEmpty(Mono.error(() -> timetables.missing("Stop", stopId, ids.feedId())))
                .flatMap(t -> Mono.zip(live(t.feedId(), FeedKind.VEHICLE_POSITIONS), live(t.feedId(), FeedKind.TRIP_UPDATES))
                        .map(views -> compute(t, t.stops().get(ids.gtfsId()), views.getT1().orElse(null),
                                views.getT2().orElse(null), clock.instant(), Duration.ofMinutes(minutesBefore),
                                Duration.ofMinutes(minutesAfter))));
    }

    private Mono<Optional<LiveView>> live(String feedId, FeedKind kind) {
        return state.read(feedId, kind).map(Optional::of).defaultIfEmpty(Optional.empty());
    }

    /** Live entities of one snapshot by trip id, built once per snapshot (reference-compared). */
    private record Indexed(LiveSnapshot snapshot, Map<String, List<VehicleState>> vehicles,
            Map<String, List<TripUpdateState>> updates, Map<String, List<TripUpdateState>> addedByStop) {}

    private Indexed index(LiveSnapshot s) {
        String key = s.feedId() + "|" + s.kind().slug();
        Indexed i = indexes.get(key);
        if (i != null && i.snapshot() == s) return i;
        Map<String, List<VehicleState>> vehicles = new HashMap<>();
        Map<String, List<TripUpdateState>> updates = new HashMap<>();
        for (VehicleState v : s.vehicles()) {
            if (v.timestamp() == null) {
                // A vehicle without its own timestamp is as old as its feed (not dropped, not forever young).
                v = new VehicleState(v.entityId(), v.vehicleId(), v.label(), v.trip(), v.lat(), v.lon(), v.bearing(),
                        v.speedMetersPerSecond(), v.currentStopSequence(), v.stopId(), v.currentStatus(), s.headerTimestamp());
            }
            if (v.trip() != null && v.trip().tripId() != null) {
                vehicles.computeIfAbsent(v.trip().tripId(), k -> new ArrayList<>(1)).add(v);
            }
        }
        Map<String, List<TripUpdateState>> addedByStop = new HashMap<>();
        for (TripUpdateState u : s.tripUpdates()) {
            if (u.trip().tripId() != null) updates.computeIfAbsent(u.trip().tripId(), k -> new ArrayList<>(1)).add(u);
            if (u.trip().status() == TripRef.TripStatus.ADDED) {
                u.stopTimes().stream().map(StopTimePrediction::stopId).filter(java.util.Objects::nonNull).distinct()
                        .forEach(stop -> addedByStop.computeIfAbsent(stop, k -> new ArrayList<>(1)).add(u));
            }
        }
        Indexed fresh = new Indexed(s, vehicles, updates, addedByStop);
        indexes.put(key, fresh);
        return fresh;
    }

    Board compute(Timetables.Timetable t, Timetables.Stop stop, @Nullable LiveView vp, @Nullable LiveView tu, Instant now,
            Duration before, Duration after) {
        Map<String, List<VehicleState>> vehicles = vp == null ? Map.of() : index(vp.snapshot()).vehicles();
        Map<String, List<TripUpdateState>> updates = tu == null ? Map.of() : index(tu.snapshot()).updates();
        Instant updatesPublished = tu == null ? null : tu.snapshot().headerTimestamp();
        Instant from = now.minus(before), to = now.plus(after);
        ZoneId zone = t.zone();
        List<Arrivals.Arrival> rows = new ArrayList<>();
        Map<Arrivals.Arrival, Instance> instances = new HashMap<>();
        LocalDate first = LocalDate.ofInstant(from.minus(LATE_SLACK), zone).minusDays(2);
        LocalDate last = LocalDate.ofInstant(to, zone);
        for (Timetables.Visit visit : t.visits().getOrDefault(stop.stopId(), List.of())) {
            Timetables.Trip trip = visit.trip();
            int idx = visit.index();
            for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
                if (!t.calendar().isActive(trip.serviceId(), d)) continue;
                if (trip.frequencyBased()) {
                    scheduledOnly(t, trip, idx, d, from, to, rows, instances);
                    continue;
                }
                Instant scheduled = ServiceDays.instant(d, trip.arrivals()[idx], zone);
                if (scheduled.isBefore(from.minus(LATE_SLACK)) || scheduled.isAfter(to)) continue;
                Arrivals.TripPlan plan = t.plan(trip, d);
                TripUpdateState update = matching(t, trip, d, updates.get(trip.tripId()), now, u -> u.trip().startDate());
                VehicleState vehicle = matching(t, trip, d, vehicles.get(trip.tripId()), now,
                        v -> v.trip() == null ? null : v.trip().startDate());
                // An update without its own timestamp is as old as its feed.
                Instant updated = update == null ? null : update.timestamp() != null ? update.timestamp() : updatesPublished;
                Optional<Arrivals.Arrival> a = Arrivals.arrivalAt(plan, idx, update, updated,
                        vehicle, null, now, config.vehicleMaxAge(), PASSED_GRACE);
                if (a.isEmpty()) continue;
                Instant best = a.get().bestArrival();
                boolean passedRow = a.get().status() == Arrivals.ArrivalStatus.PASSED;
                if (best.isAfter(to) || (best.isBefore(from) && !passedRow)) continue;
                rows.add(a.get());
                instances.put(a.get(), new Instance(trip, d));
            }
        }
        List<Row> added = new ArrayList<>();
        Map<Row, Instant> addedBest = new HashMap<>();
        if (tu != null) {
            for (TripUpdateState u : index(tu.snapshot()).addedByStop().getOrDefault(stop.stopId(), List.of())) {
                Instant updated = u.timestamp() != null ? u.timestamp() : updatesPublished;
                addedRow(t, stop.stopId(), u, updated, vehicles.get(u.trip().tripId()), now, from, to).ifPresent(a -> {
                    Row r = addedRow(t, u, a);
                    added.add(r);
                    addedBest.put(r, a.bestArrival());
                });
            }
        }
        rows.sort(Comparator.comparing(Arrivals.Arrival::bestArrival).thenComparing(Arrivals.Arrival::tripId));
        List<Row> out = new ArrayList<>(rows.size() + added.size());
        Map<Row, Instant> best = new HashMap<>(addedBest);
        for (Arrivals.Arrival a : rows) {
            Row r = row(t, instances.get(a), a);
            out.add(r);
            best.put(r, a.bestArrival());
        }
        if (!added.isEmpty()) {
            out.addAll(added);
            out.sort(Comparator.comparing((Row r) -> best.get(r)).thenComparing(Row::tripId));
        }
        Long age = null;
        for (LiveView v : new LiveView[] {vp, tu}) {
            if (v != null) age = Math.max(age == null ? 0 : age, v.age().toSeconds());
        }
        return new Board(new StopRef(TransitIds.of(t.feedId(), stop.stopId()), stop.name(), stop.lat(), stop.lon()),
                RFC_3339.format(now.atZone(zone)), age, out);
    }

    private record Instance(Timetables.Trip trip, LocalDate serviceDate) {}

    /** A frequency-based trip's calls at this stop in the window, from the schedule only (no live instance matching). */
    private static void scheduledOnly(Timetables.Timetable t, Timetables.Trip trip, int idx, LocalDate d, Instant from,
            Instant to, List<Arrivals.Arrival> rows, Map<Arrivals.Arrival, Instance> instances) {
        int offset = trip.arrivals()[idx] - trip.departures()[0];
        for (GtfsFeed.Frequency f : t.frequencies().getOrDefault(trip.tripId(), List.of())) {
            for (int s = f.startSeconds(); s < f.endSeconds(); s += f.headwaySeconds()) {
                Instant at = ServiceDays.instant(d, s + offset, t.zone());
                if (at.isBefore(from) || at.isAfter(to)) continue;
                Arrivals.Arrival a = new Arrivals.Arrival(trip.tripId(), trip.stopIds()[idx], at, null, null,
                        Arrivals.ArrivalStatus.SCHEDULED, null, null, null, null);
                rows.add(a);
                instances.put(a, new Instance(trip, d));
            }
        }
    }

    /** The entity (of possibly several for one trip id) whose start date means this service day. */
    private static <T> @Nullable T matching(Timetables.Timetable t, Timetables.Trip trip, LocalDate day, @Nullable List<T> candidates,
            Instant now, java.util.function.Function<T, @Nullable String> startDate) {
        if (candidates == null) return null;
        for (T c : candidates) {
            if (t.serviceDay(trip, startDate.apply(c), now).filter(day::equals).isPresent()) return c;
        }
        return null;
    }

    private static Row row(Timetables.Timetable t, Instance i, Arrivals.Arrival a) {
        ZoneId zone = t.zone();
        var route = t.routes().get(i.trip().routeId());
        return new Row(TransitIds.of(t.feedId(), i.trip().routeId()), route == null ? null : route.shortName(),
                TransitIds.of(t.feedId(), a.tripId()), i.trip().headsign(), i.serviceDate().toString(),
                RFC_3339.format(a.scheduledArrival().atZone(zone)),
                a.predictedArrival() == null ? null : RFC_3339.format(a.predictedArrival().atZone(zone)), a.delaySeconds(),
                a.status().name(), a.vehicleId(), a.numberOfStopsAway(),
                a.distanceFromStopMeters() == null ? null : Math.round(a.distanceFromStopMeters() * 10) / 10.0,
                a.vehicleLastUpdated() == null ? null : RFC_3339.format(a.vehicleLastUpdated().atZone(zone)));
    }

    /**
     * Where a live vehicle is along its trip (next stop, metres along the shape), from the in-memory timetable only:
     * null while the timetable is not loaded or when the trip is not in it.
     */
    LiveQueries.@Nullable Placement place(String feedId, VehicleState v, Instant now) {
        if (v.trip() == null || v.trip().tripId() == null) return null;
        Timetables.Timetable t = timetables.current(feedId).orElse(null);
        if (t == null) return null;
        Timetables.Trip trip = t.trips().get(v.trip().tripId());
        if (trip == null) return null;
        LocalDate day = t.serviceDay(trip, v.trip().startDate(), now).orElse(null);
        if (day == null) return null;
        Arrivals.Progress p = Arrivals.progress(t.plan(trip, day), v, null, now, 0);
        String next = p.nextStopIndex() < trip.stopIds().length ? TransitIds.of(feedId, trip.stopIds()[p.nextStopIndex()]) : null;
        return new LiveQueries.Placement(next, Math.round(p.distanceMeters() * 10) / 10.0);
    }

    /** Trip ids the live state names that the timetable does not have (ADDED trips among them): counted, not fatal. */
    static java.util.Set<String> unknownTrips(Timetables.Timetable t, List<LiveSnapshot> snapshots) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (LiveSnapshot s : snapshots) {
            for (VehicleState v : s.vehicles()) {
                if (v.trip() != null && v.trip().tripId() != null && !t.trips().containsKey(v.trip().tripId())) {
                    out.add(v.trip().tripId());
                }
            }
            for (TripUpdateState u : s.tripUpdates()) {
                if (u.trip().tripId() != null && !t.trips().containsKey(u.trip().tripId())) out.add(u.trip().tripId());
            }
        }
        return out;
    }

    /**
     * An ADDED trip has no schedule: its stops and times are the TripUpdate's, placed along a straight line through
     * its stops (no shape is known for it); its "scheduled" arrival is the time the update gives.
     */
    private Optional<Arrivals.Arrival> addedRow(Timetables.Timetable t, String stopId, TripUpdateState u, @Nullable Instant updated,
            @Nullable List<VehicleState> vehicles, Instant now, Instant from, Instant to) {
        Map<String, Double> along = new HashMap<>();
        List<Double> lats = new ArrayList<>(), lons = new ArrayList<>();
        double metres = 0;
        for (StopTimePrediction p : u.stopTimes()) {
            Timetables.Stop s = p.stopId() == null ? null : t.stops().get(p.stopId());
            if (s == null || Double.isNaN(s.lat()) || along.containsKey(s.stopId())) continue;
            if (!lats.isEmpty()) {
                metres += LiveQueries.distanceMeters(lats.get(lats.size() - 1), lons.get(lons.size() - 1), s.lat(), s.lon());
            }
            along.put(s.stopId(), metres);
            lats.add(s.lat());
            lons.add(s.lon());
        }
        if (lats.size() < 2) return Optional.empty();
        List<Arrivals.PlannedStop> stops = Arrivals.addedTripStops(u, id -> along.getOrDefault(id, 0.0)).stream()
                .filter(p -> along.containsKey(p.stopId()))
                .toList();
        int mine = -1;
        for (int i = 0; i < stops.size(); i++) if (stops.get(i).stopId().equals(stopId)) mine = i;
        if (mine < 0) return Optional.empty();
        ShapeLine line = new ShapeLine(lats.stream().mapToDouble(Double::doubleValue).toArray(),
                lons.stream().mapToDouble(Double::doubleValue).toArray());
        Arrivals.TripPlan plan = new Arrivals.TripPlan(u.trip().tripId(), stops, line);
        VehicleState vehicle = vehicles == null || vehicles.isEmpty() ? null : vehicles.get(0);
        return Arrivals.arrivalAt(plan, mine, u, updated, vehicle, null, now, config.vehicleMaxAge(), PASSED_GRACE)
                .filter(a -> !a.bestArrival().isAfter(to)
                        && (!a.bestArrival().isBefore(from) || a.status() == Arrivals.ArrivalStatus.PASSED));
    }

    private static Row addedRow(Timetables.Timetable t, TripUpdateState u, Arrivals.Arrival a) {
        ZoneId zone = t.zone();
        String routeId = u.trip().routeId();
        var route = routeId == null ? null : t.routes().get(routeId);
        String day = u.trip().startDate() != null && u.trip().startDate().length() == 8
                ? LocalDate.parse(u.trip().startDate(), DateTimeFormatter.BASIC_ISO_DATE).toString()
                : LocalDate.ofInstant(a.scheduledArrival(), zone).toString();
        return new Row(routeId == null ? null : TransitIds.of(t.feedId(), routeId), route == null ? null : route.shortName(),
                TransitIds.of(t.feedId(), a.tripId()), null, day, RFC_3339.format(a.scheduledArrival().atZone(zone)),
                a.predictedArrival() == null ? null : RFC_3339.format(a.predictedArrival().atZone(zone)), a.delaySeconds(),
                a.status().name(), a.vehicleId(), a.numberOfStopsAway(),
                a.distanceFromStopMeters() == null ? null : Math.round(a.distanceFromStopMeters() * 10) / 10.0,
                a.vehicleLastUpdated() == null ? null : RFC_3339.format(a.vehicleLastUpdated().atZone(zone)));
    }

    /**
     * What the current timetable does not know in a snapshot, for feed health: {@code UNKNOWN_TRIP} (entities
     * naming a trip id not in the timetable, ADDED trips included) and {@code UNKNOWN_STOP} (stop time updates of
     * known trips whose stop is not in that trip). Empty while the feed's timetable is not loaded.
     */
    java.util.Map<String, Long> scheduleProblems(LiveSnapshot s) {
        return timetables.current(s.feedId()).map(t -> scheduleProblems(t, s)).orElse(Map.of());
    }

    static java.util.Map<String, Long> scheduleProblems(Timetables.Timetable t, LiveSnapshot s) {
        long unknownTrips = 0, unknownStops = 0;
        for (VehicleState v : s.vehicles()) {
            if (v.trip() != null && v.trip().tripId() != null && !t.trips().containsKey(v.trip().tripId())) unknownTrips++;
        }
        for (TripUpdateState u : s.tripUpdates()) {
            Timetables.Trip trip = u.trip().tripId() == null ? null : t.trips().get(u.trip().tripId());
            if (trip == null) {
                unknownTrips++;
                continue;
            }
            LocalDate day = t.serviceDay(trip, u.trip().startDate(), s.headerTimestamp()).orElse(LocalDate.ofInstant(s.headerTimestamp(), t.zone()));
            unknownStops += Arrivals.predict(t.plan(trip, day), u).unknownStopIds().size();
        }
        Map<String, Long> out = new java.util.TreeMap<>();
        if (unknownTrips > 0) out.put("UNKNOWN_TRIP", unknownTrips);
        if (unknownStops > 0) out.put("UNKNOWN_STOP", unknownStops);
        return out;
    }
}
