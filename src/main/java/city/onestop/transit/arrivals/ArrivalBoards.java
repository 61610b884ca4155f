package city.onestop.transit.arrivals;

import city.onestop.platform.ProblemException;
import city.onestop.transit.TransitIds;
import city.onestop.transit.gtfs.GtfsFeed;
import city.onestop.transit.realtime.ingest.FeedKind;
import city.onestop.transit.realtime.ingest.LiveFeedProperties;
import city.onestop.transit.realtime.ingest.LiveQueries;
import city.onestop.transit.realtime.ingest.LiveSnapshot;
import city.onestop.transit.realtime.ingest.LiveState;
import city.onestop.transit.realtime.ingest.LiveView;
import city.onestop.transit.realtime.ingest.SnapshotPlacer;
import city.onestop.transit.realtime.ingest.StopTimePrediction;
import city.onestop.transit.realtime.ingest.TripRef;
import city.onestop.transit.realtime.ingest.TripUpdateState;
import city.onestop.transit.realtime.ingest.VehiclePlacement;
import city.onestop.transit.realtime.ingest.VehicleState;
import city.onestop.transit.schedule.Geo;
import city.onestop.transit.schedule.PlannedStop;
import city.onestop.transit.schedule.Polyline;
import city.onestop.transit.schedule.ServiceDays;
import city.onestop.transit.schedule.Timetables;
import city.onestop.transit.schedule.TripPlan;
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
public class ArrivalBoards implements SnapshotPlacer {

    /** A passed bus (or a cancelled/skipped call) stays on the board this long after its time, then leaves. */
    static final Duration PASSED_GRACE = Duration.ofMinutes(2);

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
            @Nullable String vehicleLastUpdated,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<BoardAlerts.Alert> alerts) {

        Row withAlerts(List<BoardAlerts.Alert> a) {
            return new Row(routeId, routeShortName, tripId, headsign, serviceDate, scheduledArrival, predictedArrival,
                    delaySeconds, status, vehicleId, numberOfStopsAway, distanceFromStopMeters, vehicleLastUpdated, a);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Board(StopRef stop, String generatedAt, @Nullable Long dataAgeSeconds, List<Row> arrivals,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<BoardAlerts.Alert> alerts) {}

    private final Timetables timetables;
    private final LiveState state;
    private final Clock clock;
    private final LiveFeedProperties.Realtime config;
    private final Map<String, Indexed> indexes = new ConcurrentHashMap<>();
    private final tools.jackson.databind.json.JsonMapper json;
    private final Map<BoardKey, Serialized> serialized = new ConcurrentHashMap<>();
    private static final int SERIALIZED_ENTRIES = 20_000;

    ArrivalBoards(Timetables timetables, LiveState state, Clock clock, LiveFeedProperties properties,
            tools.jackson.databind.json.JsonMapper json) {
        this.timetables = timetables;
        this.state = state;
        this.clock = clock;
        this.config = properties.realtime();
        this.json = json;
    }

    /**
     * A board as JSON, valid for the snapshots and timetable it was computed from, from the instant it was computed
     * until {@code until} (its reuse bound: the board's {@code Cache-Control} max-age).
     */
    private record Serialized(BoardJson board, @Nullable LiveSnapshot vp, @Nullable LiveSnapshot tu, @Nullable LiveSnapshot alerts,
            long versionId, Instant computedAt, Instant until) {

        boolean validAt(Instant now) {
            return !now.isBefore(computedAt) && now.isBefore(until);
        }
    }

    /** What a board's bytes depend on besides the live state, the timetable and the time. */
    private record BoardKey(String stopId, int minutesBefore, int minutesAfter, @Nullable String acceptLanguage) {}

    /** A serialized board and the strong ETag of its bytes (computed once with them). */
    public record BoardJson(byte[] body, String etag) {}

    /**
     * The board as JSON bytes, computed, serialized and hashed once per live snapshot and timetable version for each
     * query (stop, window, language), and reused for at most {@code reuseFor} after it was computed: a board depends
     * on "now" (its window, statuses, {@code generatedAt}), so an answer is at most {@code reuseFor} old (the caller
     * passes the board's {@code Cache-Control} max-age), and a new snapshot of any of the feed's three kinds, or a new
     * timetable version, is seen at once.
     */
    public Mono<BoardJson> boardJson(String stopId, int minutesBefore, int minutesAfter, @Nullable String acceptLanguage,
            Duration reuseFor) {
        TransitIds ids = TransitIds.parse(stopId);
        BoardKey key = new BoardKey(stopId, minutesBefore, minutesAfter, acceptLanguage);
        return timetables.timetable(ids.feedId())
                .filter(t -> t.stops().containsKey(ids.gtfsId()))
                .switchIfEmpty(Mono.error(() -> timetables.missing("Stop", stopId, ids.feedId())))
                .flatMap(t -> Mono.zip(live(t.feedId(), FeedKind.VEHICLE_POSITIONS), live(t.feedId(), FeedKind.TRIP_UPDATES),
                                live(t.feedId(), FeedKind.ALERTS))
                        .map(views -> {
                            Instant now = clock.instant();
                            LiveView vp = views.getT1().orElse(null), tu = views.getT2().orElse(null), al = views.getT3().orElse(null);
                            LiveSnapshot vs = vp == null ? null : vp.snapshot(), ts = tu == null ? null : tu.snapshot();
                            LiveSnapshot as = al == null ? null : al.snapshot();
                            Serialized hit = serialized.get(key);
                            if (hit != null && hit.vp() == vs && hit.tu() == ts && hit.alerts() == as
                                    && hit.versionId() == t.versionId() && hit.validAt(now)) {
                                return hit.board();
                            }
                            byte[] body = json.writeValueAsBytes(compute(t, t.stops().get(ids.gtfsId()), vp, tu, al, now,
                                    Duration.ofMinutes(minutesBefore), Duration.ofMinutes(minutesAfter),
                                    BoardAlerts.languages(acceptLanguage)));
                            BoardJson out = new BoardJson(body, etag(body));
                            if (serialized.size() >= SERIALIZED_ENTRIES) serialized.clear();
                            serialized.put(key, new Serialized(out, vs, ts, as, t.versionId(), now, now.plus(reuseFor)));
                            return out;
                        }));
    }

    /**
     * The board's bytes if {@link #boardJson} computed them already and they are still valid (same snapshots as this
     * instance holds now, same timetable version, within their reuse bound), else null; never waits, never computes.
     * The hot path of a prepared read: a map lookup and three reference comparisons.
     */
    public @Nullable BoardJson readyBoardJson(String stopId, int minutesBefore, int minutesAfter, @Nullable String acceptLanguage) {
        Serialized hit = serialized.get(new BoardKey(stopId, minutesBefore, minutesAfter, acceptLanguage));
        if (hit == null || !hit.validAt(clock.instant())) return null;
        TransitIds ids = TransitIds.parse(stopId);
        Timetables.Timetable t = timetables.current(ids.feedId()).orElse(null);
        if (t == null || t.versionId() != hit.versionId()
                || hit.vp() != state.peek(ids.feedId(), FeedKind.VEHICLE_POSITIONS).orElse(null)
                || hit.tu() != state.peek(ids.feedId(), FeedKind.TRIP_UPDATES).orElse(null)
                || hit.alerts() != state.peek(ids.feedId(), FeedKind.ALERTS).orElse(null)) {
            return null;
        }
        return hit.board();
    }

    static String etag(byte[] body) {
        try {
            return "\"" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body), 0, 16)
                    + "\"";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void checkWindow(int minutesBefore, int minutesAfter) {
        if (minutesBefore < 0 || minutesBefore > 60) {
            throw ProblemException.badRequest("INVALID_WINDOW", "minutesBefore must be 0..60");
        }
        if (minutesAfter < 1 || minutesAfter > 240) {
            throw ProblemException.badRequest("INVALID_WINDOW", "minutesAfter must be 1..240");
        }
    }

    /** The board of a stop ({@code feedId:stopId}); a 404 problem for an unknown feed or stop. */
    public Mono<Board> board(String stopId, int minutesBefore, int minutesAfter) {
        return board(stopId, minutesBefore, minutesAfter, null);
    }

    /** The board with its alerts in the rider's language ({@code Accept-Language}; null: the city's default). */
    public Mono<Board> board(String stopId, int minutesBefore, int minutesAfter, @Nullable String acceptLanguage) {
        TransitIds ids = TransitIds.parse(stopId);
        List<java.util.Locale.LanguageRange> language = BoardAlerts.languages(acceptLanguage);
        return timetables.timetable(ids.feedId())
                .filter(t -> t.stops().containsKey(ids.gtfsId()))
                .switchIfEmpty(Mono.error(() -> timetables.missing("Stop", stopId, ids.feedId())))
                .flatMap(t -> Mono.zip(live(t.feedId(), FeedKind.VEHICLE_POSITIONS), live(t.feedId(), FeedKind.TRIP_UPDATES),
                                live(t.feedId(), FeedKind.ALERTS))
                        .map(views -> compute(t, t.stops().get(ids.gtfsId()), views.getT1().orElse(null),
                                views.getT2().orElse(null), views.getT3().orElse(null), clock.instant(),
                                Duration.ofMinutes(minutesBefore), Duration.ofMinutes(minutesAfter), language)));
    }

    private Mono<Optional<LiveView>> live(String feedId, FeedKind kind) {
        return state.read(feedId, kind).map(Optional::of).defaultIfEmpty(Optional.empty());
    }

    /** Live entities of one snapshot by trip id, built once per snapshot (reference-compared). */
    private record Indexed(LiveSnapshot snapshot, Map<String, List<VehicleState>> vehicles,
            Map<String, List<TripUpdateState>> updates, Map<String, List<TripUpdateState>> addedByStop) {}

    /** A VehiclePositions snapshot's placements, by vehicle and as calls at the stops ahead: once per snapshot and timetable. */
    private record LineIndex(LiveSnapshot snapshot, long versionId, Map<String, VehiclePlacement> byVehicle,
            Map<String, List<LineVehicles.LineCall>> callsByStop) {}

    private final Map<String, LineIndex> lineIndexes = new ConcurrentHashMap<>();

    private LineIndex lineIndex(Timetables.Timetable t, LiveSnapshot s) {
        LineIndex i = lineIndexes.get(s.feedId());
        if (i != null && i.snapshot() == s && i.versionId() == t.versionId()) return i;
        Map<String, VehiclePlacement> byVehicle = new HashMap<>();
        s.placements().forEach(p -> byVehicle.put(p.vehicleId(), p));
        LineIndex fresh = new LineIndex(s, t.versionId(), byVehicle, LineVehicles.callsByStop(t, s.placements()));
        lineIndexes.put(s.feedId(), fresh);
        return fresh;
    }

    /**
     * On the polling instance, before a VehiclePositions snapshot is published: every vehicle placed on its trip or
     * line, continuing from the previous snapshot's placements. Without the feed's timetable in memory yet, the
     * snapshot goes out unplaced (boards then place trip vehicles per request, as before).
     */
    @Override
    public LiveSnapshot withPlacements(LiveSnapshot s) {
        if (s.kind() != FeedKind.VEHICLE_POSITIONS) return s;
        Timetables.Timetable t = timetables.current(s.feedId()).orElse(null);
        if (t == null) return s;
        LiveSnapshot previous = state.peek(s.feedId(), FeedKind.VEHICLE_POSITIONS).orElse(null);
        LiveSnapshot updates = state.peek(s.feedId(), FeedKind.TRIP_UPDATES).orElse(null);
        return s.withPlacements(LineVehicles.place(t, s, previous, updates, clock.instant()));
    }

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
        return compute(t, stop, vp, tu, null, now, before, after, List.of());
    }

    private final Map<String, BoardAlerts.Index> alertIndexes = new ConcurrentHashMap<>();

    private BoardAlerts.Index alertIndex(LiveSnapshot s) {
        BoardAlerts.Index i = alertIndexes.get(s.feedId());
        if (i != null && i.snapshot() == s) return i;
        BoardAlerts.Index fresh = BoardAlerts.index(s);
        alertIndexes.put(s.feedId(), fresh);
        return fresh;
    }

    Board compute(Timetables.Timetable t, Timetables.Stop stop, @Nullable LiveView vp, @Nullable LiveView tu,
            @Nullable LiveView alerts, Instant now, Duration before, Duration after, List<java.util.Locale.LanguageRange> language) {
        Map<String, List<VehicleState>> vehicles = vp == null ? Map.of() : index(vp.snapshot()).vehicles();
        Map<String, List<TripUpdateState>> updates = tu == null ? Map.of() : index(tu.snapshot()).updates();
        LineIndex lines = vp == null ? null : lineIndex(t, vp.snapshot());
        Instant updatesPublished = tu == null ? null : tu.snapshot().headerTimestamp();
        Instant from = now.minus(before), to = now.plus(after);
        ZoneId zone = t.zone();
        List<Arrivals.Arrival> rows = new ArrayList<>();
        Map<Arrivals.Arrival, Instance> instances = new HashMap<>();
        LocalDate first = LocalDate.ofInstant(from, zone).minusDays(2);
        LocalDate last = LocalDate.ofInstant(to, zone);
        for (Timetables.Visit visit : t.visits().getOrDefault(stop.stopId(), List.of())) {
            Timetables.Trip trip = visit.trip();
            int idx = visit.index();
            if (trip.frequencyBased()) {
                for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
                    if (t.calendar().isActive(trip.serviceId(), d)) scheduledOnly(t, trip, idx, d, from, to, rows, instances);
                }
                continue;
            }
            // Predictions decide membership: an instance the live state talks about is computed whatever its
            // schedule says (a bus two hours late, a trip id the agency reused), and kept if its best arrival is in
            // the window. Instances nobody reports on are on the board by their schedule alone.
            List<TripUpdateState> tripUpdates = updates.get(trip.tripId());
            List<VehicleState> tripVehicles = vehicles.get(trip.tripId());
            java.util.Set<LocalDate> liveDays = liveDays(t, trip, tripUpdates, tripVehicles, now);
            for (LocalDate d : liveDays) {
                TripUpdateState update = matching(t, trip, d, tripUpdates, now, u -> u.trip().startDate());
                VehicleState vehicle = matching(t, trip, d, tripVehicles, now,
                        v -> v.trip() == null ? null : v.trip().startDate());
                // An update without its own timestamp is as old as its feed.
                Instant updated = update == null ? null : update.timestamp() != null ? update.timestamp() : updatesPublished;
                Double progress = null;
                if (vehicle != null && lines != null) {
                    VehiclePlacement p = lines.byVehicle().get(vehicle.vehicleId());
                    // Where the leader placed it, continuing from earlier polls (the right pass of a loop).
                    if (p != null && trip.tripId().equals(p.tripId()) && d.toString().equals(p.serviceDate())) {
                        progress = p.alongMeters();
                    }
                }
                consider(t, trip, idx, d, update, updated, vehicle, progress, now, from, to, rows, instances);
            }
            for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
                if (liveDays.contains(d) || !t.calendar().isActive(trip.serviceId(), d)) continue;
                Instant scheduled = ServiceDays.instant(d, trip.arrivals()[idx], zone);
                if (scheduled.isBefore(from) || scheduled.isAfter(to)) continue;
                consider(t, trip, idx, d, null, null, null, null, now, from, to, rows, instances);
            }
        }
        List<Row> added = new ArrayList<>();
        Map<Row, Instant> addedBest = new HashMap<>();
        if (lines != null) {
            // Vehicles that name only their line, and vehicles on headway-run trips: one row per vehicle ahead.
            Map<String, Instant> lastByRoute = new HashMap<>(), lastByTrip = new HashMap<>();
            Instant oldest = now.minus(config.vehicleMaxAge());
            for (LineVehicles.LineCall c : lines.callsByStop().getOrDefault(stop.stopId(), List.of())) {
                if (c.placement().observedAt().isBefore(oldest)) continue; // a ghost: no row
                Instant at = c.predictedArrival().isBefore(now) ? now : c.predictedArrival();
                if (at.isBefore(from) || at.isAfter(to)) continue;
                Row r = lineRow(t, c, at);
                added.add(r);
                addedBest.put(r, at);
                if (c.placement().lineLevel()) lastByRoute.merge(c.placement().routeId(), at, (a, b) -> a.isAfter(b) ? a : b);
                else lastByTrip.merge(c.placement().tripId(), at, (a, b) -> a.isAfter(b) ? a : b);
            }
            // The live vehicles stand in for the timetable up to the last of them: scheduled-only rows of those lines
            // (and headway rows of those trips) before it would count the same buses twice.
            if (!lastByRoute.isEmpty() || !lastByTrip.isEmpty()) {
                rows.removeIf(a -> {
                    if (a.status() != Arrivals.ArrivalStatus.SCHEDULED || a.vehicleId() != null) return false;
                    Instance i = instances.get(a);
                    Instant lastTrip = lastByTrip.get(i.trip().tripId());
                    Instant lastRoute = lastByRoute.get(i.trip().routeId());
                    return (lastTrip != null && !a.scheduledArrival().isAfter(lastTrip))
                            || (lastRoute != null && !a.scheduledArrival().isAfter(lastRoute));
                });
            }
        }
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
        List<BoardAlerts.Alert> stopAlerts = List.of();
        if (alerts != null && !alerts.snapshot().alerts().isEmpty()) {
            BoardAlerts.Index ai = alertIndex(alerts.snapshot());
            stopAlerts = BoardAlerts.forStop(ai, stop.stopId(), now, zone, language);
            for (int k = 0; k < out.size(); k++) {
                Row r = out.get(k);
                String route = r.routeId() == null ? null : TransitIds.parse(r.routeId()).gtfsId();
                List<BoardAlerts.Alert> rowAlerts = BoardAlerts.forRow(ai, route, TransitIds.parse(r.tripId()).gtfsId(),
                        stop.stopId(), now, zone, language);
                if (!rowAlerts.isEmpty()) out.set(k, r.withAlerts(rowAlerts));
            }
        }
        return new Board(new StopRef(TransitIds.of(t.feedId(), stop.stopId()), stop.name(), stop.lat(), stop.lon()),
                RFC_3339.format(now.atZone(zone)), age, out, stopAlerts);
    }

    private record Instance(Timetables.Trip trip, LocalDate serviceDate) {}

    /** The service days of a trip that its live entities (updates, vehicles) talk about. */
    private static java.util.Set<LocalDate> liveDays(Timetables.Timetable t, Timetables.Trip trip,
            @Nullable List<TripUpdateState> updates, @Nullable List<VehicleState> vehicles, Instant now) {
        if (updates == null && vehicles == null) return java.util.Set.of();
        java.util.Set<LocalDate> days = new java.util.HashSet<>(2);
        if (updates != null) {
            for (TripUpdateState u : updates) t.serviceDay(trip, u.trip().startDate(), now).ifPresent(days::add);
        }
        if (vehicles != null) {
            for (VehicleState v : vehicles) {
                t.serviceDay(trip, v.trip() == null ? null : v.trip().startDate(), now).ifPresent(days::add);
            }
        }
        return days;
    }

    /** One trip instance at one of its calls: on the board when its best arrival is in the window (or it just passed). */
    private void consider(Timetables.Timetable t, Timetables.Trip trip, int idx, LocalDate d, @Nullable TripUpdateState update,
            @Nullable Instant updated, @Nullable VehicleState vehicle, @Nullable Double lastProgress, Instant now, Instant from,
            Instant to, List<Arrivals.Arrival> rows, Map<Arrivals.Arrival, Instance> instances) {
        Optional<Arrivals.Arrival> a = Arrivals.arrivalAt(t.plan(trip, d), idx, update, updated, vehicle, lastProgress, now,
                config.vehicleMaxAge(), PASSED_GRACE);
        if (a.isEmpty()) return;
        Instant best = a.get().bestArrival();
        boolean passedRow = a.get().status() == Arrivals.ArrivalStatus.PASSED;
        if (best.isAfter(to) || (best.isBefore(from) && !passedRow)) return;
        rows.add(a.get());
        instances.put(a.get(), new Instance(trip, d));
    }

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
                a.vehicleLastUpdated() == null ? null : RFC_3339.format(a.vehicleLastUpdated().atZone(zone)), List.of());
    }

    /**
     * Where a live vehicle is along its trip (next stop, metres along the shape), from the in-memory timetable only:
     * null while the timetable is not loaded or when the trip is not in it.
     */
    public LiveQueries.@Nullable Placement place(String feedId, VehicleState v, Instant now) {
        Timetables.Timetable t = timetables.current(feedId).orElse(null);
        if (t == null) return null;
        Timetables.Trip named = v.trip() == null || v.trip().tripId() == null ? null : t.trips().get(v.trip().tripId());
        if (named == null || named.frequencyBased()) {
            // A vehicle that names only its line (or a headway trip): where the leader placed it.
            LiveSnapshot snap = state == null ? null : state.peek(feedId, FeedKind.VEHICLE_POSITIONS).orElse(null);
            VehiclePlacement p = snap == null ? null : lineIndex(t, snap).byVehicle().get(v.vehicleId());
            Timetables.Trip pattern = p == null ? null : t.trips().get(p.patternTripId());
            if (pattern == null) return null;
            int next = Arrivals.nextStopIndex(pattern.distances(), p.alongMeters());
            if (next >= pattern.stopIds().length && pattern.shape().isClosed()) next = 0;
            String nextStop = next < pattern.stopIds().length ? TransitIds.of(feedId, pattern.stopIds()[next]) : null;
            return new LiveQueries.Placement(nextStop, Math.round(p.alongMeters() * 10) / 10.0);
        }
        Timetables.Trip trip = named;
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
                metres += Geo.distanceMeters(lats.get(lats.size() - 1), lons.get(lons.size() - 1), s.lat(), s.lon());
            }
            along.put(s.stopId(), metres);
            lats.add(s.lat());
            lons.add(s.lon());
        }
        if (lats.size() < 2) return Optional.empty();
        List<PlannedStop> stops = Arrivals.addedTripStops(u, id -> along.getOrDefault(id, 0.0)).stream()
                .filter(p -> along.containsKey(p.stopId()))
                .toList();
        int mine = -1;
        for (int i = 0; i < stops.size(); i++) if (stops.get(i).stopId().equals(stopId)) mine = i;
        if (mine < 0) return Optional.empty();
        Polyline line = new Polyline(lats.stream().mapToDouble(Double::doubleValue).toArray(),
                lons.stream().mapToDouble(Double::doubleValue).toArray());
        TripPlan plan = new TripPlan(u.trip().tripId(), stops, line);
        VehicleState vehicle = vehicles == null || vehicles.isEmpty() ? null : vehicles.get(0);
        return Arrivals.arrivalAt(plan, mine, u, updated, vehicle, null, now, config.vehicleMaxAge(), PASSED_GRACE)
                .filter(a -> !a.bestArrival().isAfter(to)
                        && (!a.bestArrival().isBefore(from) || a.status() == Arrivals.ArrivalStatus.PASSED));
    }

    /**
     * A line-level (or headway-trip) vehicle's row: no scheduled instance stands behind it, so its "scheduled" arrival
     * is the predicted one; its trip id is the frequency trip's, or {@code line:{routeId}:{vehicleId}} for a vehicle
     * that names no trip (stable across polls, so it can be watched).
     */
    private static Row lineRow(Timetables.Timetable t, LineVehicles.LineCall c, Instant at) {
        ZoneId zone = t.zone();
        var p = c.placement();
        var route = t.routes().get(p.routeId());
        String tripId = p.tripId() != null ? p.tripId() : "line:" + p.routeId() + ":" + p.vehicleId();
        String time = RFC_3339.format(at.atZone(zone));
        return new Row(TransitIds.of(t.feedId(), p.routeId()), route == null ? null : route.shortName(),
                TransitIds.of(t.feedId(), tripId), c.pattern().headsign(), LocalDate.ofInstant(p.observedAt(), zone).toString(),
                time, time, null, Arrivals.ArrivalStatus.PREDICTED.name(), p.vehicleId(), c.stopsAway(),
                Math.round(c.metersAway() * 10) / 10.0, RFC_3339.format(p.observedAt().atZone(zone)), List.of());
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
                a.vehicleLastUpdated() == null ? null : RFC_3339.format(a.vehicleLastUpdated().atZone(zone)), List.of());
    }

    /**
     * What the current timetable does not know in a snapshot, for feed health: {@code UNKNOWN_TRIP} (entities
     * naming a trip id not in the timetable, ADDED trips included) and {@code UNKNOWN_STOP} (stop time updates of
     * known trips whose stop is not in that trip). Empty while the feed's timetable is not loaded.
     */
    @Override
    public java.util.Map<String, Long> scheduleProblems(LiveSnapshot s) {
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
