package city.onestop.transit.arrivals;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.transit.realtime.ingest.StopTimePrediction;
import city.onestop.transit.realtime.ingest.TripRef;
import city.onestop.transit.realtime.ingest.TripUpdateState;
import city.onestop.transit.schedule.Timetables;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Predictions decide membership: on a small feed built here, a trip scheduled hours later but predicted in the
 * window is on the board, a bus an hour and a half late too, and a trip scheduled in the window but predicted far
 * beyond it is not.
 */
class BoardMembershipTests {

    private static final LocalDate DAY = LocalDate.of(2026, 3, 10);
    private static final Instant NOW = SmallFeed.local(DAY, 12, 0);
    private static final List<double[]> AVENUE = SmallFeed.street(SmallFeed.at(0, 0), SmallFeed.at(0, 3000));
    private static final String[] STOPS = {"A", "B", "C", "D", "E", "F", "G"};
    private static final double[] AT = {0, 500, 1000, 1500, 2000, 2500, 3000};

    private static Timetables.Timetable feed() {
        SmallFeed f = new SmallFeed().route("9", "9");
        for (int i = 0; i < STOPS.length; i++) f.stop(STOPS[i], "Stop " + STOPS[i], AVENUE, AT[i]);
        // Stop D (index 3) is reached 3 × 120 s after the start.
        f.trip("early", "9", "East", AVENUE, STOPS, AT, 15 * 3600, 120);         // D at 15:06
        f.trip("late", "9", "East", AVENUE, STOPS, AT, 10 * 3600 + 1800, 120);   // D at 10:36
        f.trip("onTime", "9", "East", AVENUE, STOPS, AT, 12 * 3600 + 300, 120);  // D at 12:11
        f.trip("delayed", "9", "East", AVENUE, STOPS, AT, 12 * 3600 + 600, 120); // D at 12:16
        return f.build();
    }

    private static TripUpdateState update(String tripId, Instant arrivalAtD) {
        var p = new StopTimePrediction(4, "D", new StopTimePrediction.Event(arrivalAtD, null, null), null,
                StopTimePrediction.Relationship.SCHEDULED);
        return new TripUpdateState(tripId, new TripRef(tripId, "9", 0, DAY.format(DateTimeFormatter.BASIC_ISO_DATE), null,
                TripRef.TripStatus.SCHEDULED), null, NOW.minusSeconds(10), null, List.of(p));
    }

    private static Optional<ArrivalBoards.Row> row(ArrivalBoards.Board b, String tripId) {
        return b.arrivals().stream().filter(r -> r.tripId().equals(SmallFeed.FEED + ":" + tripId)).findFirst();
    }

    @Test
    void aTripScheduledHoursLaterButPredictedInTheWindowIsOnTheBoard() {
        var t = feed();
        var tu = SmallFeed.updates(NOW.minusSeconds(5), List.of(
                update("early", NOW.plusSeconds(77)),
                update("late", NOW.plus(Duration.ofMinutes(10))),
                update("delayed", SmallFeed.local(DAY, 13, 30))));
        var board = SmallFeed.boards(NOW).compute(t, t.stops().get("D"), null, SmallFeed.view(tu, NOW), NOW,
                Duration.ofMinutes(5), Duration.ofMinutes(35));

        var early = row(board, "early").orElseThrow();
        assertThat(OffsetDateTime.parse(early.predictedArrival()).toInstant()).isEqualTo(NOW.plusSeconds(77));
        assertThat(OffsetDateTime.parse(early.scheduledArrival()).toInstant()).isEqualTo(SmallFeed.local(DAY, 15, 6));
        assertThat(early.status()).isEqualTo("PREDICTED");
        assertThat(early.delaySeconds()).isEqualTo(-(3 * 3600 + 6 * 60 - 77));
        assertThat(early.serviceDate()).isEqualTo(DAY.toString());

        var late = row(board, "late").orElseThrow();
        assertThat(OffsetDateTime.parse(late.predictedArrival()).toInstant()).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
        assertThat(late.delaySeconds()).isEqualTo(94 * 60);

        assertThat(row(board, "onTime")).get().extracting(ArrivalBoards.Row::status).isEqualTo("SCHEDULED");
        // Scheduled at 12:16, inside the window, but predicted at 13:30: not on this board.
        assertThat(row(board, "delayed")).isEmpty();
        // Soonest first: early (12:01:17), late (12:10), onTime (12:11).
        assertThat(board.arrivals()).extracting(ArrivalBoards.Row::tripId)
                .containsExactly("small:early", "small:late", "small:onTime");
    }

    @Test
    void withoutLiveDataTheScheduleAloneDecides() {
        var t = feed();
        var board = SmallFeed.boards(NOW).compute(t, t.stops().get("D"), null, null, NOW, Duration.ofMinutes(5),
                Duration.ofMinutes(35));
        assertThat(board.arrivals()).extracting(ArrivalBoards.Row::tripId).containsExactly("small:onTime", "small:delayed");
        assertThat(board.arrivals()).allMatch(r -> r.status().equals("SCHEDULED"));
    }
}
