package city.onestop.transit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import city.onestop.transit.arrivals.Arrivals;
import city.onestop.transit.realtime.ingest.FeedDecoding.FeedDecodeResult;
import city.onestop.transit.realtime.ingest.GtfsRealtimeDecoder;
import city.onestop.transit.realtime.ingest.StopTimePrediction;
import city.onestop.transit.realtime.ingest.TripUpdateState;
import city.onestop.transit.realtime.ingest.VehicleState;
import city.onestop.transit.schedule.PlannedStop;
import city.onestop.transit.schedule.Polyline;
import city.onestop.transit.schedule.TripPlan;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoFeedsTests {

    // A 2 km line east along one parallel; 6 stops 400 m and 120 s apart, no dwell; trips every 5 minutes.
    private static final double LAT = 23.13, LON0 = 113.26;
    private static final double METERS_PER_DEGREE_LON = 2 * Math.PI * 6_371_008.8 / 360 * Math.cos(Math.toRadians(LAT));
    private static final Instant FIRST = Instant.parse("2025-11-06T08:00:00Z");

    private static List<SimulatedTimetable.SimTrip> timetable() {
        double[] lats = new double[21], lons = new double[21];
        for (int i = 0; i <= 20; i++) {
            lats[i] = LAT;
            lons[i] = LON0 + i * 100 / METERS_PER_DEGREE_LON;
        }
        Polyline shape = new Polyline(lats, lons);
        List<SimulatedTimetable.SimTrip> trips = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            Instant start = FIRST.plusSeconds(300L * k);
            List<PlannedStop> stops = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Instant t = start.plusSeconds(120L * i);
                stops.add(new PlannedStop("s" + i, i + 1, i * 400, t, t));
            }
            trips.add(new SimulatedTimetable.SimTrip("R1", LocalDate.of(2025, 11, 6), new TripPlan("t" + k, stops, shape)));
        }
        return trips;
    }

    private static FeedDecodeResult decode(byte[] body) {
        return (FeedDecodeResult) new GtfsRealtimeDecoder().decode(body);
    }

    @Test
    void lineLevelRoutesReportLikeChineseBusGpsLineAndPositionOnly() {
        Instant now = FIRST.plusSeconds(17 * 60);
        var trips = timetable();
        FeedDecodeResult all = decode(DemoFeeds.vehiclePositions(trips, now).toByteArray());
        FeedDecodeResult lines = decode(DemoFeeds.vehiclePositions(trips, now, java.util.Set.of("R1")).toByteArray());
        assertThat(lines.vehicles()).hasSameSizeAs(all.vehicles()).isNotEmpty();
        for (VehicleState v : lines.vehicles()) {
            assertThat(v.trip().tripId()).isNull();
            assertThat(v.trip().startDate()).isNull();
            assertThat(v.trip().routeId()).isEqualTo("R1");
            assertThat(v.timestamp()).isNull();
            assertThat(v.bearing()).isNotNull();
        }
        // The same buses at the same places, only what they say differs.
        assertThat(lines.vehicles()).extracting(VehicleState::lat).containsExactlyElementsOf(
                all.vehicles().stream().map(VehicleState::lat).toList());
        // A line-level GPS system publishes no trip updates.
        assertThat(decode(DemoFeeds.tripUpdates(trips, now, java.util.Set.of("R1")).toByteArray()).tripUpdates()).isEmpty();
    }

    @Test
    void eachRunningBusIsWhereItsDelayedTimetablePutsIt() {
        Instant now = FIRST.plusSeconds(17 * 60);
        var trips = timetable();

        FeedDecodeResult vp = decode(DemoFeeds.vehiclePositions(trips, now).toByteArray());

        assertThat(vp.header().timestamp()).isEqualTo(now);
        assertThat(vp.vehicles()).isNotEmpty();
        for (VehicleState v : vp.vehicles()) {
            String tripId = v.trip().tripId();
            int k = Integer.parseInt(tripId.substring(1));
            // Independently: 400 m per 120 s from the trip's start, shifted by the trip's delay.
            long secondsIn = now.getEpochSecond() - DemoFeeds.delaySeconds(tripId, now) - FIRST.plusSeconds(300L * k).getEpochSecond();
            assertThat(secondsIn).isBetween(0L, 600L);
            double expectedMeters = secondsIn * 400.0 / 120;
            double actualMeters = (v.lon() - LON0) * METERS_PER_DEGREE_LON;
            assertThat(actualMeters).as(tripId).isCloseTo(expectedMeters, within(2.0));
            assertThat(v.lat()).isCloseTo(LAT, within(1e-5));
            assertThat(v.bearing()).isCloseTo(90f, within(0.5f));
            assertThat(v.timestamp()).isEqualTo(now);
        }
        // Trips not yet started or already finished (with their delay) publish nothing.
        long running = trips.stream().filter(t -> {
            long in = now.getEpochSecond() - DemoFeeds.delaySeconds(t.plan().tripId(), now)
                    - t.plan().stops().get(0).scheduledDeparture().getEpochSecond();
            return in >= 0 && in < 600;
        }).count();
        assertThat(vp.vehicles()).hasSize((int) running);
    }

    @Test
    void tripUpdatesPredictTheRemainingStopsWithTheBusesDelay() {
        Instant now = FIRST.plusSeconds(17 * 60);
        var trips = timetable();

        FeedDecodeResult tu = decode(DemoFeeds.tripUpdates(trips, now).toByteArray());

        assertThat(tu.tripUpdates()).isNotEmpty();
        for (TripUpdateState u : tu.tripUpdates()) {
            int delay = DemoFeeds.delaySeconds(u.trip().tripId(), now);
            TripPlan plan = trips.stream().filter(t -> t.plan().tripId().equals(u.trip().tripId())).findFirst()
                    .orElseThrow().plan();
            assertThat(u.delaySeconds()).isEqualTo(delay);
            for (StopTimePrediction s : u.stopTimes()) {
                Instant scheduled = plan.stops().get(s.stopSequence() - 1).scheduledArrival();
                assertThat(s.arrival().time()).isEqualTo(scheduled.plusSeconds(delay));
            }
            // The last stop is always still ahead of a running bus.
            assertThat(u.stopTimes().get(u.stopTimes().size() - 1).stopId()).isEqualTo("s5");
        }
    }

    @Test
    void theSimulatedFeedsGiveALiveBoardThroughTheNormalArithmetic() {
        Instant now = FIRST.plusSeconds(17 * 60);
        var trips = timetable();
        FeedDecodeResult vp = decode(DemoFeeds.vehiclePositions(trips, now).toByteArray());
        FeedDecodeResult tu = decode(DemoFeeds.tripUpdates(trips, now).toByteArray());
        VehicleState bus = vp.vehicles().get(0);
        TripUpdateState update = tu.tripUpdates().stream()
                .filter(u -> u.trip().tripId().equals(bus.trip().tripId()))
                .findFirst()
                .orElseThrow();
        TripPlan plan = trips.stream().filter(t -> t.plan().tripId().equals(bus.trip().tripId())).findFirst()
                .orElseThrow().plan();

        var a = Arrivals.arrivalAt(plan, 5, update, now, bus, null, now, java.time.Duration.ofMinutes(5),
                        java.time.Duration.ofMinutes(2))
                .orElseThrow();

        assertThat(a.status()).isEqualTo(Arrivals.ArrivalStatus.PREDICTED);
        assertThat(a.vehicleId()).isEqualTo(bus.vehicleId());
        assertThat(a.numberOfStopsAway()).isBetween(0, 5);
        assertThat(a.distanceFromStopMeters()).isCloseTo(2_000 - (bus.lon() - LON0) * METERS_PER_DEGREE_LON, within(2.0));
        assertThat(a.delaySeconds()).isEqualTo(DemoFeeds.delaySeconds(bus.trip().tripId(), now));
    }
}
