package city.onestop.transit.arrivals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import city.onestop.transit.realtime.ingest.FeedDecoding.FeedDecodeResult;
import city.onestop.transit.realtime.ingest.FeedKind;
import city.onestop.transit.realtime.ingest.GtfsRealtimeDecoder;
import city.onestop.transit.realtime.ingest.HalifaxCapture.Node;
import city.onestop.transit.realtime.ingest.HalifaxCapture;
import city.onestop.transit.realtime.ingest.LiveFeedProperties;
import city.onestop.transit.realtime.ingest.LiveSnapshot;
import city.onestop.transit.realtime.ingest.LiveView;
import city.onestop.transit.schedule.Polyline;
import city.onestop.transit.schedule.ServiceCalendar;
import city.onestop.transit.schedule.ServiceDays;
import city.onestop.transit.schedule.Timetables;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * Whole boards of real Halifax stops, with the clock fixed at capture time: the timetable built from the raw static
 * zip, the live state decoded from the capture, the board computed as the endpoint computes it. Expectations come
 * from the raw files (the textprotos and {@code shape_dist_traveled}) and a brute-force placement on the shape, as
 * in {@link HalifaxArrivalsTests}. No Spring context: the shared one runs on the real clock, and a board is a pure
 * function of timetable, live state and time.
 */
class HalifaxBoardTests {

    private static final Instant NOW = Instant.parse(HalifaxCapture.CAPTURE_TIME);
    private static final String FEED = "halifax";

    private static HalifaxStatic gtfs;
    private static Timetables.Timetable timetable;
    private static LiveSnapshot vp;
    private static LiveSnapshot tu;
    private static List<Node> vehicleText;
    private static List<Node> updateText;

    @BeforeAll
    static void load() {
        gtfs = new HalifaxStatic(null);
        Map<String, Timetables.Trip> trips = new HashMap<>();
        Map<String, List<Timetables.Visit>> visits = new HashMap<>();
        Map<String, Timetables.Stop> stops = new HashMap<>();
        Map<String, Polyline> shapes = new HashMap<>();
        for (var e : gtfs.stopTimes.entrySet()) {
            List<HalifaxStatic.StopTime> st = e.getValue();
            List<double[]> pts = gtfs.shapes.get(gtfs.shapeOfTrip.get(e.getKey()));
            if (pts == null || st.size() < 2) continue;
            int n = st.size();
            String[] ids = new String[n];
            int[] seq = new int[n], times = new int[n];
            double[] dist = new double[n];
            for (int i = 0; i < n; i++) {
                ids[i] = st.get(i).stopId();
                seq[i] = st.get(i).sequence();
                times[i] = st.get(i).arrivalSeconds();
                dist[i] = st.get(i).distanceKm() == null ? 0 : st.get(i).distanceKm() * 1000;
                double[] at = gtfs.stopCoordinates.get(ids[i]);
                stops.putIfAbsent(ids[i], new Timetables.Stop(ids[i], null, at[0], at[1]));
            }
            Polyline shape = shapes.computeIfAbsent(gtfs.shapeOfTrip.get(e.getKey()), k -> new Polyline(
                    pts.stream().mapToDouble(p -> p[1]).toArray(), pts.stream().mapToDouble(p -> p[2]).toArray()));
            var trip = new Timetables.Trip(e.getKey(), gtfs.routeOfTrip.get(e.getKey()), gtfs.serviceOfTrip.get(e.getKey()),
                    null, ids, seq, times, times, dist, shape, false);
            trips.put(trip.tripId(), trip);
            for (int i = 0; i < n; i++) visits.computeIfAbsent(ids[i], k -> new ArrayList<>()).add(new Timetables.Visit(trip, i));
        }
        timetable = new Timetables.Timetable(FEED, 1, HalifaxStatic.ZONE, trips, visits, stops, Map.of(),
                new ServiceCalendar(gtfs.calendars, gtfs.calendarDates), Map.of());
        GtfsRealtimeDecoder decoder = new GtfsRealtimeDecoder();
        vp = LiveSnapshot.of(FEED, FeedKind.VEHICLE_POSITIONS,
                (FeedDecodeResult) decoder.decode(HalifaxCapture.bytes("VehiclePositions.pb")), NOW);
        tu = LiveSnapshot.of(FEED, FeedKind.TRIP_UPDATES,
                (FeedDecodeResult) decoder.decode(HalifaxCapture.bytes("TripUpdates.pb")), NOW);
        vehicleText = HalifaxCapture.text("VehiclePositions").all("entity");
        updateText = HalifaxCapture.text("TripUpdates").all("entity");
    }

    private static ArrivalBoards boards() {
        var realtime = new LiveFeedProperties.Realtime(true, Duration.ofSeconds(5), 2, Duration.ofMillis(500),
                DataSize.ofMegabytes(8), Duration.ofMinutes(5), Duration.ofMillis(500), Duration.ofMinutes(2), 10, 5,
                Duration.ofSeconds(30));
        return new ArrivalBoards(null, null, Clock.fixed(NOW, ZoneOffset.UTC), new LiveFeedProperties(List.of(), realtime),
                tools.jackson.databind.json.JsonMapper.builder().build());
    }

    private static ArrivalBoards.Board board(String stopId, Instant now) {
        Duration age = Duration.between(vp.headerTimestamp(), now);
        return boards().compute(timetable, timetable.stops().get(stopId), new LiveView(vp, age, false),
                new LiveView(tu, age, false), now, Duration.ofMinutes(5), Duration.ofMinutes(35));
    }


    @Test
    void boardsOfSampledStopsMatchTheRawFiles() {
        Set<String> seenStops = new HashSet<>();
        int checked = 0;
        for (Node e : vehicleText) {
            Node v = e.one("vehicle");
            String tripId = v.one("trip").get("trip_id");
            Timetables.Trip trip = timetable.trips().get(tripId);
            Node update = updateText.stream()
                    .filter(t -> tripId.equals(t.one("trip_update").one("trip").get("trip_id")))
                    .findFirst().map(t -> t.one("trip_update")).orElse(null);
            if (trip == null || update == null || update.one("trip").get("schedule_relationship") != null) continue;
            double lat = Float.parseFloat(v.one("position").get("latitude"));
            double lon = Float.parseFloat(v.one("position").get("longitude"));
            double[] placed = HalifaxStatic.nearestSample(gtfs.shapes.get(gtfs.shapeOfTrip.get(tripId)), lat, lon);
            if (placed[2] == 1) continue; // a loop or both sides of a street: which pass needs progress
            int next = 0;
            while (next < trip.distances().length && trip.distances()[next] < placed[0] - 15) next++;
            int mine = next + 3;
            if (mine >= trip.stopIds().length) continue;
            String myStop = trip.stopIds()[mine];
            if (!seenStops.add(myStop) || java.util.Arrays.stream(trip.stopIds()).filter(myStop::equals).count() > 1) continue;
            Node explicit = update.all("stop_time_update").stream()
                    .filter(u -> myStop.equals(u.get("stop_id")) && u.one("arrival") != null && u.one("arrival").get("time") != null)
                    .findFirst().orElse(null);
            if (explicit == null) continue;

            ArrivalBoards.Board board = board(myStop, NOW);
            ArrivalBoards.Row row = board.arrivals().stream()
                    .filter(r -> r.tripId().equals(FEED + ":" + tripId))
                    .findFirst().orElseThrow(() -> new AssertionError("no row for " + tripId + " at " + myStop));
            assertThat(row.vehicleId()).as(tripId).isEqualTo(v.one("vehicle").get("id"));
            assertThat(row.status()).as(tripId).isEqualTo("PREDICTED");
            assertThat(row.numberOfStopsAway()).as(tripId).isEqualTo(3);
            assertThat(row.distanceFromStopMeters()).as(tripId)
                    .isCloseTo(trip.distances()[mine] - placed[0], within(25.0));
            assertThat(OffsetDateTime.parse(row.predictedArrival()).toInstant()).as(tripId)
                    .isEqualTo(Instant.ofEpochSecond(Long.parseLong(explicit.one("arrival").get("time"))));
            assertThat(row.serviceDate()).isEqualTo("2025-11-06");
            assertThat(board.arrivals().stream()
                            .map(r -> OffsetDateTime.parse(r.predictedArrival() != null ? r.predictedArrival() : r.scheduledArrival()).toInstant())
                            .toList())
                    .isSorted();
            if (++checked == 20) break;
        }
        assertThat(checked).isEqualTo(20);
    }

    /**
     * Membership by prediction: every call the capture predicts (an explicit arrival time, a scheduled trip in
     * trips.txt) between one and 35 minutes from now is on its stop's board with that time, however far its schedule
     * is, including buses more than 30 minutes late and the one whose prediction says 77 s. Computed from the
     * textproto alone.
     */
    @Test
    void everyPredictedCallInTheWindowIsOnItsStopsBoard() {
        Map<String, List<String[]>> expected = new HashMap<>(); // stop -> (trip, epoch seconds)
        int farFromSchedule = 0;
        for (Node t : updateText) {
            Node u = t.one("trip_update");
            String tripId = u.one("trip").get("trip_id");
            if (u.one("trip").get("schedule_relationship") != null || !gtfs.stopTimes.containsKey(tripId)) continue;
            Map<Integer, HalifaxStatic.StopTime> bySequence = new HashMap<>();
            gtfs.stopTimes.get(tripId).forEach(st -> bySequence.put(st.sequence(), st));
            for (Node s : u.all("stop_time_update")) {
                if (s.get("schedule_relationship") != null || s.one("arrival") == null || s.one("arrival").get("time") == null) continue;
                String stop = s.get("stop_id");
                HalifaxStatic.StopTime st = s.get("stop_sequence") == null ? null : bySequence.get(Integer.parseInt(s.get("stop_sequence")));
                if (st == null || !st.stopId().equals(stop)) continue; // a detour stop the trip does not have
                long at = Long.parseLong(s.one("arrival").get("time"));
                if (at < NOW.getEpochSecond() + 60 || at > NOW.getEpochSecond() + 35 * 60) continue;
                expected.computeIfAbsent(stop, k -> new ArrayList<>()).add(new String[] {tripId, Long.toString(at)});
                Instant scheduled = ServiceDays.instant(java.time.LocalDate.of(2025, 11, 6), st.arrivalSeconds(), HalifaxStatic.ZONE);
                if (scheduled.isBefore(NOW.minus(Duration.ofMinutes(35))) || scheduled.isAfter(NOW.plus(Duration.ofMinutes(35)))) {
                    farFromSchedule++;
                }
            }
        }
        assertThat(farFromSchedule).as("calls predicted in the window but scheduled outside it").isGreaterThan(10);
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (var e : expected.entrySet()) {
            List<ArrivalBoards.Row> rows = board(e.getKey(), NOW).arrivals();
            for (String[] call : e.getValue()) {
                Instant at = Instant.ofEpochSecond(Long.parseLong(call[1]));
                boolean found = rows.stream().anyMatch(r -> r.tripId().equals(FEED + ":" + call[0]) && r.predictedArrival() != null
                        && OffsetDateTime.parse(r.predictedArrival()).toInstant().equals(at));
                if (!found) missing.add(call[0] + "@" + e.getKey() + "@" + at);
                checked++;
            }
        }
        assertThat(missing).as("of " + checked + " predicted calls").isEmpty();
    }

    /**
     * Every (route, stop) pair an active alert of the capture informs: that stop's board rows of that route carry the
     * alert (header in English, as given). Pairs and activity read from the Alerts textproto.
     */
    @Test
    void rowsCarryTheAlertsOfTheirRouteAtTheirStop() {
        GtfsRealtimeDecoder decoder = new GtfsRealtimeDecoder();
        LiveSnapshot alerts = LiveSnapshot.of(FEED, FeedKind.ALERTS,
                (FeedDecodeResult) decoder.decode(HalifaxCapture.bytes("Alerts.pb")), NOW);
        int rows = 0;
        for (Node e : HalifaxCapture.text("Alerts").all("entity")) {
            Node a = e.one("alert");
            boolean active = a.all("active_period").isEmpty() || a.all("active_period").stream().anyMatch(p ->
                    (p.get("start") == null || Long.parseLong(p.get("start")) <= NOW.getEpochSecond())
                            && (p.get("end") == null || Long.parseLong(p.get("end")) > NOW.getEpochSecond()));
            for (Node ie : a.all("informed_entity")) {
                String route = ie.get("route_id"), stop = ie.get("stop_id");
                if (route == null || stop == null || !timetable.stops().containsKey(stop) || rows > 40) continue;
                Duration age = Duration.between(vp.headerTimestamp(), NOW);
                var board = boards().compute(timetable, timetable.stops().get(stop), new LiveView(vp, age, false),
                        new LiveView(tu, age, false), new LiveView(alerts, age, false), NOW, Duration.ofMinutes(5),
                        Duration.ofMinutes(35), List.of());
                for (ArrivalBoards.Row r : board.arrivals()) {
                    if (!r.routeId().equals(FEED + ":" + route)) continue;
                    var ids = r.alerts().stream().map(BoardAlerts.Alert::id).toList();
                    if (active) {
                        assertThat(ids).as(route + " at " + stop).contains(e.get("id"));
                        rows++;
                    } else {
                        assertThat(ids).doesNotContain(e.get("id"));
                    }
                }
            }
        }
        assertThat(rows).isPositive();
    }

    @Test
    void skippedAndCanceledCallsAreShownSo() {
        int skipped = 0, canceled = 0;
        for (Node t : updateText) {
            Node u = t.one("trip_update");
            String tripId = u.one("trip").get("trip_id");
            Timetables.Trip trip = timetable.trips().get(tripId);
            if (trip == null) continue;
            boolean tripCanceled = "CANCELED".equals(u.one("trip").get("schedule_relationship"));
            for (Node s : u.all("stop_time_update")) {
                boolean skip = "SKIPPED".equals(s.get("schedule_relationship"));
                if (!(tripCanceled || skip) || (tripCanceled ? canceled : skipped) >= 3) continue;
                String stop = s.get("stop_id");
                if (java.util.Arrays.stream(trip.stopIds()).filter(stop::equals).count() != 1) continue;
                var row = board(stop, NOW).arrivals().stream().filter(r -> r.tripId().equals(FEED + ":" + tripId)).findFirst();
                if (row.isEmpty()) continue; // outside the board's window
                assertThat(row.get().status()).as(tripId + " at " + stop).isEqualTo(tripCanceled ? "CANCELED" : "SKIPPED");
                assertThat(row.get().predictedArrival()).isNull();
                if (tripCanceled) canceled++;
                else skipped++;
            }
        }
        assertThat(skipped).isEqualTo(3);
        assertThat(canceled).isPositive();
    }

    @Test
    void vehiclesAndUpdatesOlderThanTheThresholdRevertToTheSchedule() {
        // Six minutes after the capture, nothing newer arrived: every vehicle is a ghost, every update too old.
        Instant later = NOW.plus(Duration.ofMinutes(6));
        int rows = 0;
        for (Node e : vehicleText.subList(0, 40)) {
            String tripId = e.one("vehicle").one("trip").get("trip_id");
            Timetables.Trip trip = timetable.trips().get(tripId);
            if (trip == null) continue;
            String stop = trip.stopIds()[trip.stopIds().length - 1];
            for (ArrivalBoards.Row r : board(stop, later).arrivals()) {
                assertThat(r.vehicleId()).isNull();
                assertThat(r.predictedArrival()).isNull();
                assertThat(r.status()).isEqualTo("SCHEDULED");
                rows++;
            }
        }
        assertThat(rows).isPositive();
    }

    @Test
    void addedTripsAppearWithTheirOwnStopsAndTimes() {
        int shown = 0;
        for (Node t : updateText) {
            Node u = t.one("trip_update");
            if (!"ADDED".equals(u.one("trip").get("schedule_relationship"))) continue;
            String tripId = u.one("trip").get("trip_id");
            for (Node s : u.all("stop_time_update")) {
                if (s.one("arrival") == null || s.one("arrival").get("time") == null) continue;
                Instant at = Instant.ofEpochSecond(Long.parseLong(s.one("arrival").get("time")));
                // Inside the board's window and not a loop's repeated stop.
                if (at.isBefore(NOW.plusSeconds(60)) || at.isAfter(NOW.plus(Duration.ofMinutes(30)))) continue;
                String stop = s.get("stop_id");
                if (!timetable.stops().containsKey(stop)
                        || u.all("stop_time_update").stream().filter(x -> stop.equals(x.get("stop_id"))).count() > 1) continue;
                ArrivalBoards.Row row = board(stop, NOW).arrivals().stream()
                        .filter(r -> r.tripId().equals(FEED + ":" + tripId))
                        .findFirst().orElseThrow(() -> new AssertionError("ADDED " + tripId + " not at " + stop));
                assertThat(OffsetDateTime.parse(row.predictedArrival()).toInstant()).isEqualTo(at);
                assertThat(row.status()).isIn("PREDICTED", "PASSED");
                assertThat(row.routeId()).isEqualTo(FEED + ":" + u.one("trip").get("route_id"));
                shown++;
                break;
            }
        }
        assertThat(shown).isPositive();
    }

    @Test
    void unknownTripsAndStopsAreCountedForFeedHealth() {
        // From the raw files: entities whose trip is not in trips.txt; stop ids a (non-cancelled) update gives
        // that its trip's stop_times do not have.
        long trips = 0, stops = 0;
        for (Node e : vehicleText) {
            if (!gtfs.shapeOfTrip.containsKey(e.one("vehicle").one("trip").get("trip_id"))) trips++;
        }
        for (Node e : updateText) {
            Node u = e.one("trip_update");
            String tripId = u.one("trip").get("trip_id");
            if (!gtfs.shapeOfTrip.containsKey(tripId)) {
                trips++;
                continue;
            }
            if ("CANCELED".equals(u.one("trip").get("schedule_relationship"))) continue;
            Set<String> tripStops = new HashSet<>();
            gtfs.stopTimes.get(tripId).forEach(st -> tripStops.add(st.stopId()));
            stops += u.all("stop_time_update").stream().filter(x -> !tripStops.contains(x.get("stop_id"))).count();
        }
        assertThat(trips).isPositive();
        assertThat(stops).isPositive();
        var vpProblems = ArrivalBoards.scheduleProblems(timetable, vp);
        var tuProblems = ArrivalBoards.scheduleProblems(timetable, tu);
        assertThat(vpProblems.getOrDefault("UNKNOWN_TRIP", 0L) + tuProblems.getOrDefault("UNKNOWN_TRIP", 0L)).isEqualTo(trips);
        assertThat(tuProblems.get("UNKNOWN_STOP")).isEqualTo(stops);
    }

    @Test
    void unknownTripsAreCountedNotFatal() {
        // From the raw files: trip ids in the capture that trips.txt does not have (ADDED trips included).
        Set<String> expected = new HashSet<>();
        updateText.forEach(t -> expected.add(t.one("trip_update").one("trip").get("trip_id")));
        vehicleText.forEach(t -> expected.add(t.one("vehicle").one("trip").get("trip_id")));
        expected.removeIf(gtfs.shapeOfTrip::containsKey);
        assertThat(expected).isNotEmpty();
        assertThat(ArrivalBoards.unknownTrips(timetable, List.of(vp, tu))).isEqualTo(expected);
    }
}
