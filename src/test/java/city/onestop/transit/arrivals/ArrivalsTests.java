package city.onestop.transit.arrivals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import city.onestop.transit.arrivals.Arrivals.Arrival;
import city.onestop.transit.arrivals.Arrivals.ArrivalStatus;
import city.onestop.transit.realtime.ingest.StopTimePrediction.Event;
import city.onestop.transit.realtime.ingest.StopTimePrediction.Relationship;
import city.onestop.transit.realtime.ingest.StopTimePrediction;
import city.onestop.transit.realtime.ingest.TripRef;
import city.onestop.transit.realtime.ingest.TripUpdateState;
import city.onestop.transit.realtime.ingest.VehicleState;
import city.onestop.transit.schedule.PlannedStop;
import city.onestop.transit.schedule.Polyline;
import city.onestop.transit.schedule.TripPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrivalsTests {

    // A 2 km street running east along one parallel, a point every 100 m; stops every 400 m, 2 minutes apart.
    private static final double LAT = 44.65, LON0 = -63.60;
    private static final double METERS_PER_DEGREE_LON = 2 * Math.PI * 6_371_008.8 / 360 * Math.cos(Math.toRadians(LAT));
    private static final Instant T0 = Instant.parse("2025-11-06T21:00:00Z");
    private static final Duration MAX_AGE = Duration.ofMinutes(5);
    private static final Duration GRACE = Duration.ofMinutes(2);

    private static double lonAt(double meters) {
        return LON0 + meters / METERS_PER_DEGREE_LON;
    }

    private static Polyline line(double... metersAlong) {
        double[] lats = new double[metersAlong.length];
        double[] lons = new double[metersAlong.length];
        for (int i = 0; i < metersAlong.length; i++) {
            lats[i] = LAT;
            lons[i] = lonAt(metersAlong[i]);
        }
        return new Polyline(lats, lons);
    }

    private static Polyline straight() {
        double[] m = new double[21];
        for (int i = 0; i <= 20; i++) m[i] = i * 100;
        return line(m);
    }

    /** Out along the street for 1 km and back on the same street. */
    private static Polyline outAndBack() {
        double[] m = new double[21];
        for (int i = 0; i <= 20; i++) m[i] = i <= 10 ? i * 100 : (20 - i) * 100;
        return line(m);
    }

    private static TripPlan plan() {
        List<PlannedStop> stops = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Instant t = T0.plusSeconds(120L * i);
            stops.add(new PlannedStop("s" + i, i + 1, i * 400, t, t));
        }
        return new TripPlan("t1", stops, straight());
    }

    private static VehicleState vehicleAt(double meters, Instant at) {
        return new VehicleState("e", "bus-7", null, null, LAT, lonAt(meters), null, null, null, null, null, at);
    }

    private static TripUpdateState update(TripRef.TripStatus status, Integer tripDelay, StopTimePrediction... stops) {
        return new TripUpdateState("e", new TripRef("t1", "r1", null, "20251106", null, status), "bus-7", T0, tripDelay,
                List.of(stops));
    }

    private static StopTimePrediction atStop(int seq, Instant time, Integer delay) {
        return new StopTimePrediction(seq, "s" + (seq - 1), new Event(time, delay, null), null, Relationship.SCHEDULED);
    }

    private static StopTimePrediction relation(int seq, Relationship r) {
        return new StopTimePrediction(seq, "s" + (seq - 1), null, null, r);
    }

    @Test
    void projectsAPositionOntoAStraightShape() {
        Polyline.Projection p = straight().project(LAT + 0.0003, lonAt(750), null, null);

        assertThat(p.distanceMeters()).isCloseTo(750, within(1.0));
        assertThat(p.offsetMeters()).isCloseTo(33.4, within(1.0)); // 0.0003 degrees of latitude
    }

    @Test
    void onAnOutAndBackRouteTheLastProgressPicksTheLeg() {
        Polyline shape = outAndBack();

        assertThat(shape.project(LAT, lonAt(300), 200.0, null).distanceMeters()).isCloseTo(300, within(1.0));
        assertThat(shape.project(LAT, lonAt(300), 1_600.0, null).distanceMeters()).isCloseTo(1_700, within(1.0));
    }

    @Test
    void aFirstSightingOnAnOutAndBackRouteGoesWhereTheScheduleExpectsIt() {
        Polyline shape = outAndBack();

        assertThat(shape.project(LAT, lonAt(300), null, 1_650.0).distanceMeters()).isCloseTo(1_700, within(1.0));
        assertThat(shape.project(LAT, lonAt(300), null, 250.0).distanceMeters()).isCloseTo(300, within(1.0));
    }

    @Test
    void aVehicleFarFromTheShapeAheadIsSearchedOnTheWholeShape() {
        // Last progress says 1,900 m, but the bus is at 300 m (a new trip block reusing the vehicle, a GPS reset).
        assertThat(straight().project(LAT, lonAt(300), 1_900.0, null).distanceMeters()).isCloseTo(300, within(1.0));
    }

    @Test
    void countsStopsAwayFromTheNextStopAndMetresAlongTheShape() {
        Arrival a = Arrivals.arrivalAt(plan(), 4, null, null, vehicleAt(500, T0), 400.0, T0, MAX_AGE, GRACE)
                .orElseThrow();

        assertThat(a.numberOfStopsAway()).isEqualTo(2); // next stop s2 (800 m), mine s4
        assertThat(a.distanceFromStopMeters()).isCloseTo(1_100, within(1.0));
        assertThat(a.vehicleId()).isEqualTo("bus-7");
        assertThat(a.status()).isEqualTo(ArrivalStatus.SCHEDULED);
    }

    @Test
    void aBusStoppedAtMyStopIsZeroStopsAway() {
        VehicleState stopped = new VehicleState("e", "bus-7", null, null, LAT, lonAt(1_590), null, null, 5, "s4",
                VehicleState.StopStatus.STOPPED_AT, T0);

        Arrival a = Arrivals.arrivalAt(plan(), 4, null, null, stopped, null, T0, MAX_AGE, GRACE).orElseThrow();

        assertThat(a.numberOfStopsAway()).isZero();
        assertThat(a.distanceFromStopMeters()).isCloseTo(0, within(0.01));
    }

    @Test
    void aBusJustPastMyStopIsStillAtItThenPassed() {
        Arrival atIt = Arrivals.arrivalAt(plan(), 4, null, null, vehicleAt(1_610, T0), 1_500.0, T0, MAX_AGE, GRACE)
                .orElseThrow();
        Arrival passed = Arrivals.arrivalAt(plan(), 4, null, null, vehicleAt(1_700, T0), 1_600.0, T0, MAX_AGE, GRACE)
                .orElseThrow();

        assertThat(atIt.numberOfStopsAway()).isZero();
        assertThat(passed.numberOfStopsAway()).isEqualTo(-1);
        assertThat(passed.distanceFromStopMeters()).isCloseTo(-100, within(1.0));
        assertThat(passed.status()).isEqualTo(ArrivalStatus.PASSED);
    }

    @Test
    void aPassedBusLeavesTheBoardAfterTheGracePeriod() {
        Instant later = T0.plusSeconds(8 * 60 + 1).plus(GRACE); // s4 was due at T0+8 min
        VehicleState bus = vehicleAt(1_900, later);

        assertThat(Arrivals.arrivalAt(plan(), 4, null, null, bus, 1_800.0, later, MAX_AGE, GRACE)).isEmpty();
    }

    @Test
    void anExplicitTimeWinsAndItsDelayPropagatesDownstream() {
        TripUpdateState u = update(TripRef.TripStatus.SCHEDULED, null,
                atStop(2, T0.plusSeconds(120 + 90), 999)); // time says 90 s late; the delay field disagrees

        var p = Arrivals.predict(plan(), u).stops();

        assertThat(p.get(0).status()).isEqualTo(ArrivalStatus.SCHEDULED);
        assertThat(p.get(1).predictedArrival()).isEqualTo(T0.plusSeconds(210));
        assertThat(p.get(1).delaySeconds()).isEqualTo(90);
        assertThat(p.get(4).status()).isEqualTo(ArrivalStatus.PREDICTED);
        assertThat(p.get(4).predictedArrival()).isEqualTo(T0.plusSeconds(480 + 90));
    }

    @Test
    void aDelayWithoutTimeIsAppliedToTheSchedule() {
        TripUpdateState u = update(TripRef.TripStatus.SCHEDULED, null, atStop(3, null, 120));

        assertThat(Arrivals.predict(plan(), u).stops().get(2).predictedArrival()).isEqualTo(T0.plusSeconds(240 + 120));
    }

    @Test
    void noDataKeepsTheScheduleAndStopsThePropagation() {
        TripUpdateState u = update(TripRef.TripStatus.SCHEDULED, null,
                atStop(2, null, 60), relation(4, Relationship.NO_DATA));

        var p = Arrivals.predict(plan(), u).stops();

        assertThat(p.get(2).predictedArrival()).isEqualTo(T0.plusSeconds(240 + 60));
        assertThat(p.get(3).status()).isEqualTo(ArrivalStatus.SCHEDULED);
        assertThat(p.get(3).predictedArrival()).isNull();
        assertThat(p.get(4).status()).isEqualTo(ArrivalStatus.SCHEDULED);
    }

    @Test
    void aSkippedStopGetsNoArrivalAndTheDelayCarriesOnPastIt() {
        TripUpdateState u = update(TripRef.TripStatus.SCHEDULED, null,
                atStop(2, null, 60), relation(4, Relationship.SKIPPED));

        var board = Arrivals.arrivalAt(plan(), 3, u, T0, null, null, T0, MAX_AGE, GRACE).orElseThrow();
        var p = Arrivals.predict(plan(), u).stops();

        assertThat(board.status()).isEqualTo(ArrivalStatus.SKIPPED);
        assertThat(board.predictedArrival()).isNull();
        assertThat(p.get(4).predictedArrival()).isEqualTo(T0.plusSeconds(480 + 60));
    }

    @Test
    void aCanceledTripIsShownCanceledNotDropped() {
        TripUpdateState u = update(TripRef.TripStatus.CANCELED, null);

        Arrival a = Arrivals.arrivalAt(plan(), 2, u, T0, null, null, T0, MAX_AGE, GRACE).orElseThrow();

        assertThat(a.status()).isEqualTo(ArrivalStatus.CANCELED);
        assertThat(a.predictedArrival()).isNull();
    }

    @Test
    void stopIdsTheTripDoesNotHaveAreCollectedAndTheRestIsUsed() {
        TripUpdateState u = update(TripRef.TripStatus.SCHEDULED, null,
                new StopTimePrediction(null, "detour-1040", new Event(null, 30, null), null, Relationship.SCHEDULED),
                atStop(3, null, 45));

        var predictions = Arrivals.predict(plan(), u);

        assertThat(predictions.unknownStopIds()).containsExactly("detour-1040");
        assertThat(predictions.stops().get(2).delaySeconds()).isEqualTo(45);
    }

    @Test
    void aTripLevelDelayAppliesWhereNoStopSaysOtherwise() {
        var p = Arrivals.predict(plan(), update(TripRef.TripStatus.SCHEDULED, 75)).stops();

        assertThat(p).allSatisfy(s -> assertThat(s.delaySeconds()).isEqualTo(75));
    }

    @Test
    void aStaleVehicleAndAStaleUpdateRevertToTheSchedule() {
        Instant now = T0.plus(MAX_AGE).plusSeconds(1);
        TripUpdateState u = update(TripRef.TripStatus.SCHEDULED, null, atStop(5, null, 300));

        Arrival a = Arrivals.arrivalAt(plan(), 5, u, T0, vehicleAt(500, T0), null, now, MAX_AGE, GRACE).orElseThrow();

        assertThat(a.status()).isEqualTo(ArrivalStatus.SCHEDULED);
        assertThat(a.predictedArrival()).isNull();
        assertThat(a.vehicleId()).isNull();
        assertThat(a.numberOfStopsAway()).isNull();
    }

    @Test
    void withoutAPositionProgressComesFromTheScheduleShiftedByTheDelay() {
        // 60 s late at T0+5 min: the timetable says T0+4 min, halfway between s2 (T0+4) and s3 (T0+6)... at s2.
        var p = Arrivals.scheduledProgress(plan(), T0.plusSeconds(300), 60);
        assertThat(p.distanceMeters()).isCloseTo(800, within(0.01));

        var between = Arrivals.scheduledProgress(plan(), T0.plusSeconds(360), 60);
        assertThat(between.distanceMeters()).isCloseTo(1_000, within(0.01));
        assertThat(between.nextStopIndex()).isEqualTo(3);
    }

    @Test
    void anAddedTripBringsItsOwnStopsAndTimes() {
        TripUpdateState added = new TripUpdateState("e", new TripRef("3797749", "sp6", null, "20251106", null,
                TripRef.TripStatus.ADDED), null, T0, null, List.of(
                        new StopTimePrediction(1, "a", new Event(T0.plusSeconds(60), null, null), null, Relationship.SCHEDULED),
                        new StopTimePrediction(2, "b", null, null, Relationship.SCHEDULED),
                        new StopTimePrediction(3, "c", new Event(T0.plusSeconds(300), null, null), null, Relationship.SCHEDULED)));

        List<PlannedStop> stops = Arrivals.addedTripStops(added, id -> id.equals("a") ? 0 : 900);

        assertThat(stops).extracting(PlannedStop::stopId).containsExactly("a", "c");
        assertThat(stops.get(1).scheduledArrival()).isEqualTo(T0.plusSeconds(300));
    }
}
