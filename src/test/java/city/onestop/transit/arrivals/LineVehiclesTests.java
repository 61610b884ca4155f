package city.onestop.transit.arrivals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import city.onestop.transit.realtime.ingest.LiveSnapshot;
import city.onestop.transit.realtime.ingest.TripRef;
import city.onestop.transit.realtime.ingest.VehicleState;
import city.onestop.transit.schedule.Timetables;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Vehicles that name only their line, on small feeds built here: a loop line run both ways round the same four
 * streets, whose GPS gives route, position and bearing only (no trip, no stop, no timestamp), and a frequencies.txt
 * line. Where each stop is, and so how many stops and metres lie between a bus and a stop, is known by construction:
 * the expectations are this test's own arithmetic over the raw coordinates (25 m or 3 %).
 */
class LineVehiclesTests {

    private static final LocalDate DAY = LocalDate.of(2026, 3, 10);
    private static final Instant NOW = SmallFeed.local(DAY, 12, 0);
    private static final Duration BEFORE = Duration.ofMinutes(5), AFTER = Duration.ofMinutes(35);

    // Clockwise round a 1200 m × 800 m block: east along the south street, north, west, south back to the start.
    private static final List<double[]> CLOCKWISE = SmallFeed.street(SmallFeed.at(0, 0), SmallFeed.at(0, 1200),
            SmallFeed.at(800, 1200), SmallFeed.at(800, 0), SmallFeed.at(0, 0));
    private static final List<double[]> ANTICLOCKWISE = SmallFeed.street(SmallFeed.at(0, 0), SmallFeed.at(800, 0),
            SmallFeed.at(800, 1200), SmallFeed.at(0, 1200), SmallFeed.at(0, 0));
    private static final double LOOP = SmallFeed.cumulative(CLOCKWISE)[CLOCKWISE.size() - 1];
    /** Stops every 500 m; the loop ends at its first stop. */
    private static final String[] CW = {"C0", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C0"};
    private static final String[] ACW = {"A0", "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A0"};
    private static final double[] AT = {0, 500, 1000, 1500, 2000, 2500, 3000, 3500, LOOP};

    private static final List<double[]> AVENUE = SmallFeed.street(SmallFeed.at(2000, 0), SmallFeed.at(2000, 3000));
    private static final String[] F = {"F0", "F1", "F2", "F3", "F4", "F5", "F6"};
    private static final double[] F_AT = {0, 500, 1000, 1500, 2000, 2500, 3000};

    private static Timetables.Timetable feed() {
        SmallFeed f = new SmallFeed().route("L", "环线").route("F", "夜班");
        for (int i = 0; i < 8; i++) {
            f.stop(CW[i], "顺时针 " + i, CLOCKWISE, AT[i]);
            f.stop(ACW[i], "逆时针 " + i, ANTICLOCKWISE, AT[i]);
        }
        for (int i = 0; i < F.length; i++) f.stop(F[i], "大道 " + i, AVENUE, F_AT[i]);
        // Each way round every 10 minutes, one minute between stops.
        for (int k = 0; k < 60; k++) {
            f.trip("cw-" + k, "L", "顺时针", CLOCKWISE, CW, AT, 6 * 3600 + k * 600, 60);
            f.trip("acw-" + k, "L", "逆时针", ANTICLOCKWISE, ACW, AT, 6 * 3600 + k * 600, 60);
        }
        f.trip("f-night", "F", "东站", AVENUE, F, F_AT, 0, 90).frequency("f-night", 6 * 3600, 23 * 3600, 600);
        return f.build();
    }

    /** A position {@code meters} along a street, {@code side} metres to the right of it (a bus in its lane). */
    private static double[] onStreet(List<double[]> street, double meters, double side) {
        double[] a = SmallFeed.along(street, meters), b = SmallFeed.along(street, meters + 1);
        double north = (b[0] - a[0]) * 111_320, east = (b[1] - a[1]) * 111_320 * Math.cos(Math.toRadians(a[0]));
        double len = Math.hypot(north, east);
        // Right of the heading: (east, -north) rotated.
        double rn = -east / len * side, re = north / len * side;
        return new double[] {a[0] + rn / 111_320, a[1] + re / (111_320 * Math.cos(Math.toRadians(a[0])))};
    }

    private static VehicleState lineVehicle(String id, String route, double[] p, @Nullable Float bearing) {
        return new VehicleState(id, id, null, new TripRef(null, route, null, null, null, TripRef.TripStatus.SCHEDULED),
                p[0], p[1], bearing, null, null, null, null, null);
    }

    private static LiveSnapshot poll(Timetables.Timetable t, Instant header, @Nullable LiveSnapshot previous, VehicleState... vs) {
        LiveSnapshot raw = SmallFeed.vehicles(header, List.of(vs));
        return raw.withPlacements(LineVehicles.place(t, raw, previous, null, header));
    }

    private static ArrivalBoards.Board board(Timetables.Timetable t, String stop, LiveSnapshot vp, Instant now) {
        return SmallFeed.boards(now).compute(t, t.stops().get(stop), SmallFeed.view(vp, now), null, now, BEFORE, AFTER);
    }

    private static Optional<ArrivalBoards.Row> vehicleRow(ArrivalBoards.Board b, String vehicleId) {
        return b.arrivals().stream().filter(r -> vehicleId.equals(r.vehicleId())).findFirst();
    }

    @Test
    void aLineLevelLoopBusIsOnTheBoardsOfEveryStopAheadWithStopsAwayAndMetres() {
        var t = feed();
        double m = 1700; // on the east street, heading north
        LiveSnapshot vp = poll(t, NOW, null, lineVehicle("bus-7", "L", onStreet(CLOCKWISE, m, 8), 0f));
        // By construction: stops 2000, 2500, 3000, 3500, the loop's end (= C0), then round again to C1, C2, C3.
        List<String> ahead = List.of("C4", "C5", "C6", "C7", "C0", "C1", "C2", "C3");
        for (int k = 0; k < ahead.size(); k++) {
            int index = 4 + k;
            double expectedMetres = index <= 8 ? AT[index] - m : LOOP - m + AT[index - 8];
            var row = vehicleRow(board(t, ahead.get(k), vp, NOW), "bus-7");
            if (expectedMetres / 500 * 60 > AFTER.toSeconds()) {
                assertThat(row).isEmpty();
                continue;
            }
            assertThat(row).as(ahead.get(k)).isPresent();
            assertThat(row.get().numberOfStopsAway()).as(ahead.get(k)).isEqualTo(k);
            assertThat(row.get().distanceFromStopMeters()).as(ahead.get(k))
                    .isCloseTo(expectedMetres, within(Math.max(25, expectedMetres * 0.03)));
            assertThat(row.get().status()).isEqualTo("PREDICTED");
            assertThat(row.get().tripId()).isEqualTo("small:line:L:bus-7");
            assertThat(row.get().routeShortName()).isEqualTo("环线");
            assertThat(row.get().headsign()).isEqualTo("顺时针");
            // First sighting, no speed yet: the timetable's running time, 60 s per 500 m.
            double expectedSeconds = expectedMetres / 500 * 60;
            assertThat(Duration.between(NOW, OffsetDateTime.parse(row.get().predictedArrival()).toInstant()).toSeconds())
                    .as(ahead.get(k)).isCloseTo((long) expectedSeconds, within((long) Math.max(5, expectedSeconds * 0.03)));
            // No timestamp of its own: the vehicle is as old as its feed.
            assertThat(OffsetDateTime.parse(row.get().vehicleLastUpdated()).toInstant()).isEqualTo(NOW);
        }
        // The anticlockwise pattern's stops are not ahead of a bus going clockwise.
        assertThat(vehicleRow(board(t, "A3", vp, NOW), "bus-7")).isEmpty();
    }

    @Test
    void theBearingPicksTheDirection() {
        var t = feed();
        // Same street, same point: heading south it runs the anticlockwise pattern (there, 4000 - 1700 m along).
        double m = 1700;
        LiveSnapshot vp = poll(t, NOW, null, lineVehicle("bus-8", "L", onStreet(CLOCKWISE, m, -8), 180f));
        var row = vehicleRow(board(t, "A5", vp, NOW), "bus-8").orElseThrow();
        double along = LOOP - m;
        assertThat(row.numberOfStopsAway()).isEqualTo(0);
        assertThat(row.distanceFromStopMeters()).isCloseTo(AT[5] - along, within(25.0));
        assertThat(vehicleRow(board(t, "C4", vp, NOW), "bus-8")).isEmpty();
    }

    @Test
    void aLoopBusKeepsItsProgressAcrossThePollsAndItsSpeedPredicts() {
        var t = feed();
        // Poll 1: 10 m before the loop closes, heading south. Poll 2, 30 s later: 60 m into the next lap.
        LiveSnapshot first = poll(t, NOW, null, lineVehicle("bus-9", "L", onStreet(CLOCKWISE, LOOP - 10, 5), 180f));
        Instant later = NOW.plusSeconds(30);
        LiveSnapshot second = poll(t, later, first, lineVehicle("bus-9", "L", onStreet(CLOCKWISE, 60, 5), 90f));
        var placed = second.placements().get(0);
        assertThat(placed.alongMeters()).isCloseTo(60, within(25.0));
        // 70 m in 30 s along the shape.
        assertThat(placed.speedMetersPerSecond()).isCloseTo(70 / 30.0, within(0.5));
        var row = vehicleRow(board(t, "C1", second, later), "bus-9").orElseThrow();
        assertThat(row.numberOfStopsAway()).isEqualTo(0);
        assertThat(row.distanceFromStopMeters()).isCloseTo(440, within(25.0));
        double seconds = 440 / (70 / 30.0);
        assertThat(Duration.between(later, OffsetDateTime.parse(row.predictedArrival()).toInstant()).toSeconds())
                .isCloseTo((long) seconds, within((long) (seconds * 0.1)));
        // And C0, which it just passed, is the rest of the loop away: 7 stops, LOOP - 60 m (~28 min at that speed).
        var c0 = vehicleRow(board(t, "C0", second, later), "bus-9").orElseThrow();
        assertThat(c0.numberOfStopsAway()).isEqualTo(7);
        assertThat(c0.distanceFromStopMeters()).isCloseTo(LOOP - 60, within((LOOP - 60) * 0.03));
    }

    @Test
    void aVehicleOlderThanTheLimitLeavesTheBoards() {
        var t = feed();
        LiveSnapshot vp = poll(t, NOW, null, lineVehicle("bus-7", "L", onStreet(CLOCKWISE, 1700, 8), 0f));
        assertThat(vehicleRow(board(t, "C5", vp, NOW.plus(Duration.ofMinutes(6))), "bus-7")).isEmpty();
    }

    @Test
    void aVehicleOnAFrequencyBasedTripIsMatchedAndTheHeadwayRowsBeforeItGiveWay() {
        var t = feed();
        double m = 1250;
        double[] p = onStreet(AVENUE, m, 6);
        VehicleState v = new VehicleState("f1", "night-3", null, new TripRef("f-night", "F", null, null, null,
                TripRef.TripStatus.SCHEDULED), p[0], p[1], 90f, null, null, null, null, NOW.minusSeconds(20));
        LiveSnapshot vp = poll(t, NOW, null, v);
        var b = board(t, "F4", vp, NOW);
        var row = vehicleRow(b, "night-3").orElseThrow();
        assertThat(row.tripId()).isEqualTo("small:f-night");
        assertThat(row.numberOfStopsAway()).isEqualTo(1);
        assertThat(row.distanceFromStopMeters()).isCloseTo(F_AT[4] - m, within(25.0));
        // Timetable running time: 90 s per 500 m.
        Instant predicted = OffsetDateTime.parse(row.predictedArrival()).toInstant();
        assertThat(Duration.between(NOW.minusSeconds(20), predicted).toSeconds()).isCloseTo(135L, within(5L));
        assertThat(OffsetDateTime.parse(row.vehicleLastUpdated()).toInstant()).isEqualTo(NOW.minusSeconds(20));
        // Headway departures at F4 (6 min after each start) later than the bus stay SCHEDULED; none before it.
        List<Instant> headway = new ArrayList<>();
        for (var r : b.arrivals()) {
            if (r.vehicleId() == null) headway.add(OffsetDateTime.parse(r.scheduledArrival()).toInstant());
        }
        assertThat(headway).isNotEmpty().allMatch(at -> at.isAfter(predicted));
    }

    @Test
    void placementsSurviveTheTripThroughRedisAsJson() {
        var t = feed();
        LiveSnapshot vp = poll(t, NOW, null, lineVehicle("bus-7", "L", onStreet(CLOCKWISE, 1700, 8), 0f));
        var json = tools.jackson.databind.json.JsonMapper.builder().build();
        LiveSnapshot back = json.readValue(json.writeValueAsString(vp), LiveSnapshot.class);
        assertThat(back.placements()).isEqualTo(vp.placements());
        // A snapshot written before placements existed reads with none.
        Map<String, Object> old = json.readValue(json.writeValueAsString(SmallFeed.vehicles(NOW, List.of())), Map.class);
        old.remove("placements");
        assertThat(json.readValue(json.writeValueAsString(old), LiveSnapshot.class).placements()).isEmpty();
    }
}
