package city.onestop.transit.arrivals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import city.onestop.transit.realtime.ingest.FeedDecoding.FeedDecodeResult;
import city.onestop.transit.realtime.ingest.GtfsRealtimeDecoder;
import city.onestop.transit.realtime.ingest.HalifaxCapture.Node;
import city.onestop.transit.realtime.ingest.HalifaxCapture;
import city.onestop.transit.realtime.ingest.TripRef;
import city.onestop.transit.realtime.ingest.TripUpdateState;
import city.onestop.transit.realtime.ingest.VehicleState;
import city.onestop.transit.schedule.PlannedStop;
import city.onestop.transit.schedule.Polyline;
import city.onestop.transit.schedule.TripPlan;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real capture, with the clock fixed at capture time. Expectations come from the raw files: vehicles from
 * the textproto, shapes and stop distances ({@code shape_dist_traveled}, km) from the static zip, and an
 * independent brute-force placement (the nearest of points resampled every metre along the shape).
 */
class HalifaxArrivalsTests {

    private static final Instant NOW = Instant.parse(HalifaxCapture.CAPTURE_TIME);
    private static final LocalDate SERVICE_DAY = LocalDate.of(2025, 11, 6);
    private static final Duration MAX_AGE = Duration.ofMinutes(5);

    private static List<Node> vehicles;
    private static HalifaxStatic gtfs;
    private static FeedDecodeResult tripUpdates;

    @BeforeAll
    static void load() {
        vehicles = HalifaxCapture.text("VehiclePositions").all("entity");
        Set<String> trips = vehicles.stream()
                .map(e -> e.one("vehicle").one("trip").get("trip_id"))
                .collect(Collectors.toSet());
        gtfs = new HalifaxStatic(trips);
        tripUpdates = (FeedDecodeResult) new GtfsRealtimeDecoder().decode(HalifaxCapture.bytes("TripUpdates.pb"));
    }


    private static Polyline shapeLine(List<double[]> pts) {
        return new Polyline(pts.stream().mapToDouble(p -> p[1]).toArray(), pts.stream().mapToDouble(p -> p[2]).toArray());
    }

    @Test
    void everyVehicleOnAScheduledTripIsPlacedOnItsTripsShape() {
        int placed = 0, matched = 0, ambiguous = 0;
        for (Node e : vehicles) {
            Node v = e.one("vehicle");
            String shapeId = gtfs.shapeOfTrip.get(v.one("trip").get("trip_id"));
            if (shapeId == null) continue; // ADDED trips: not in trips.txt
            matched++;
            List<double[]> pts = gtfs.shapes.get(shapeId);
            double lat = Float.parseFloat(v.one("position").get("latitude"));
            double lon = Float.parseFloat(v.one("position").get("longitude"));
            double[] expected = HalifaxStatic.nearestSample(pts, lat, lon);

            Polyline.Projection p = shapeLine(pts).project(lat, lon, null, expected[0]);

            // At the same place along the shape as the brute force (within 25 m), and about as near to it: the
            // projection treats candidates within 20 m of the nearest as ties and lets progress decide.
            assertThat(p.offsetMeters()).as(e.get("id")).isLessThanOrEqualTo(expected[1] + 20);
            if (expected[2] == 0) {
                assertThat(p.distanceMeters()).as(e.get("id")).isCloseTo(expected[0], within(25.0));
            } else {
                ambiguous++; // either pass is right without progress: checked by the offset above
            }
            placed++;
        }
        long inTripsTxt = vehicles.stream()
                .filter(e -> gtfs.shapeOfTrip.containsKey(e.one("vehicle").one("trip").get("trip_id")))
                .count();
        assertThat(matched).isEqualTo((int) inTripsTxt).isGreaterThan(250);
        assertThat(placed).isEqualTo(matched);
        // About one vehicle in ten is where its shape passes twice within 20 m (terminal loops, both sides of a
        // street): those are placed by progress in service, and checked above by offset only.
        assertThat(ambiguous).isLessThan(matched / 5);
    }

    @Test
    void stopsAwayMetresAndPredictedTimesMatchTheRawFilesForASampleOfStops() {
        Map<String, TripUpdateState> updates = new HashMap<>();
        tripUpdates.tripUpdates().forEach(u -> updates.put(u.trip().tripId(), u));
        int checked = 0;
        for (Node e : vehicles) {
            Node v = e.one("vehicle");
            String tripId = v.one("trip").get("trip_id");
            String shapeId = gtfs.shapeOfTrip.get(tripId);
            List<HalifaxStatic.StopTime> times = gtfs.stopTimes.get(tripId);
            TripUpdateState update = updates.get(tripId);
            if (shapeId == null || times == null || update == null
                    || update.trip().status() != TripRef.TripStatus.SCHEDULED) continue;
            List<double[]> pts = gtfs.shapes.get(shapeId);
            double lat = Float.parseFloat(v.one("position").get("latitude"));
            double lon = Float.parseFloat(v.one("position").get("longitude"));
            double vehicleMeters = HalifaxStatic.nearestSample(pts, lat, lon)[0];
            List<PlannedStop> stops = new ArrayList<>();
            for (HalifaxStatic.StopTime st : times) {
                Instant t = HalifaxStatic.at(SERVICE_DAY, st.arrivalSeconds());
                stops.add(new PlannedStop(st.stopId(), st.sequence(),
                        st.distanceKm() == null ? 0 : st.distanceKm() * 1000, t, t));
            }
            TripPlan plan = new TripPlan(tripId, stops, shapeLine(pts));
            // The stop a few stops ahead of the vehicle, with an explicit StopTimeUpdate in the feed.
            int expectedNext = 0;
            while (expectedNext < stops.size() && stops.get(expectedNext).distanceMeters() < vehicleMeters - 15) {
                expectedNext++;
            }
            int mine = expectedNext + 3;
            if (mine >= stops.size()) continue;
            Node tuText = HalifaxCapture.text("TripUpdates").all("entity").stream()
                    .filter(t -> tripId.equals(t.one("trip_update").one("trip").get("trip_id")))
                    .findFirst()
                    .orElseThrow()
                    .one("trip_update");
            String myStop = stops.get(mine).stopId();
            Node explicit = tuText.all("stop_time_update").stream()
                    .filter(u -> myStop.equals(u.get("stop_id")) && u.one("arrival") != null)
                    .findFirst()
                    .orElse(null);
            if (explicit == null) continue;
            VehicleState vehicle = new VehicleState(e.get("id"),
                    v.one("vehicle").get("id"), null, null, lat, lon, null, null, null, null, null,
                    Instant.ofEpochSecond(Long.parseLong(v.get("timestamp"))));

            // Last progress as a previous poll would have left it: a little behind.
            Arrivals.Arrival a = Arrivals.arrivalAt(plan, mine, update, NOW, vehicle, vehicleMeters - 30, NOW,
                            MAX_AGE, Duration.ofMinutes(2))
                    .orElseThrow();

            assertThat(a.numberOfStopsAway()).as(tripId).isEqualTo(3);
            assertThat(a.distanceFromStopMeters()).as(tripId)
                    .isCloseTo(stops.get(mine).distanceMeters() - vehicleMeters, within(25.0));
            assertThat(a.predictedArrival()).as(tripId)
                    .isEqualTo(Instant.ofEpochSecond(Long.parseLong(explicit.one("arrival").get("time"))));
            if (++checked == 25) break;
        }
        assertThat(checked).isEqualTo(25);
    }

    @Test
    void tripUpdatesForStopsNotInTheirTripAreCountedNotFatal() {
        // Expected from the raw files: stop ids in TripUpdates that the trip's stop_times (or stops.txt) lack.
        Set<String> trips = tripUpdates.tripUpdates().stream().map(u -> u.trip().tripId()).collect(Collectors.toSet());
        HalifaxStatic all = new HalifaxStatic(trips);
        int expectedUnknown = 0, actualUnknown = 0, plannedTrips = 0;
        for (TripUpdateState u : tripUpdates.tripUpdates()) {
            List<HalifaxStatic.StopTime> times = all.stopTimes.get(u.trip().tripId());
            if (times == null || u.trip().status() == TripRef.TripStatus.CANCELED) continue;
            plannedTrips++;
            Set<String> tripStops = times.stream().map(HalifaxStatic.StopTime::stopId).collect(Collectors.toSet());
            expectedUnknown += (int) u.stopTimes().stream().filter(s -> !tripStops.contains(s.stopId())).count();
            List<PlannedStop> stops = times.stream()
                    .map(t -> new PlannedStop(t.stopId(), t.sequence(), 0, HalifaxStatic.at(SERVICE_DAY, t.arrivalSeconds()),
                            HalifaxStatic.at(SERVICE_DAY, t.arrivalSeconds())))
                    .toList();
            var p = Arrivals.predict(new TripPlan(u.trip().tripId(), stops, new Polyline(new double[] {0, 0.001},
                    new double[] {0, 0.001})), u);
            actualUnknown += p.unknownStopIds().size();
            assertThat(p.stops()).hasSize(stops.size());
        }
        assertThat(plannedTrips).isGreaterThan(490);
        assertThat(expectedUnknown).isPositive();
        assertThat(actualUnknown).isEqualTo(expectedUnknown);
    }
}
