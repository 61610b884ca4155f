package city.onestop.transit.arrivals;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.transit.realtime.ingest.FeedKind;
import city.onestop.transit.realtime.ingest.LiveSnapshot;
import city.onestop.transit.realtime.ingest.ServiceAlert;
import city.onestop.transit.schedule.Timetables;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Alerts where riders look, on a small feed built here: one on a stop, one on a route, one on a trip, one for the
 * whole agency, one elsewhere and one expired; texts in Chinese and English, chosen by the rider's language.
 */
class BoardAlertsTests {

    private static final LocalDate DAY = LocalDate.of(2026, 3, 10);
    private static final Instant NOW = SmallFeed.local(DAY, 12, 0);
    private static final List<double[]> AVENUE = SmallFeed.street(SmallFeed.at(0, 0), SmallFeed.at(0, 3000));
    private static final String[] STOPS = {"A", "B", "C", "D", "E", "F", "G"};
    private static final double[] AT = {0, 500, 1000, 1500, 2000, 2500, 3000};

    private static Timetables.Timetable feed() {
        SmallFeed f = new SmallFeed().route("9", "9").route("10", "10");
        for (int i = 0; i < STOPS.length; i++) f.stop(STOPS[i], "站 " + STOPS[i], AVENUE, AT[i]);
        f.trip("t9", "9", "东", AVENUE, STOPS, AT, 12 * 3600 + 300, 120);   // D at 12:11
        f.trip("t10", "10", "东", AVENUE, STOPS, AT, 12 * 3600 + 600, 120); // D at 12:16
        return f.build();
    }

    private static ServiceAlert alert(String id, String effect, Instant start, Instant end, ServiceAlert.InformedEntity... on) {
        return new ServiceAlert(id, List.of(new ServiceAlert.ActivePeriod(start, end)), List.of(on), "CONSTRUCTION", effect,
                List.of(new ServiceAlert.LocalizedText("车站临时关闭 " + id, "zh-CN"), new ServiceAlert.LocalizedText("Stop closed " + id, "en")),
                List.of(new ServiceAlert.LocalizedText("详情 " + id, "zh"), new ServiceAlert.LocalizedText("Details " + id, "en")),
                List.of());
    }

    private static LiveSnapshot alerts() {
        Instant a = NOW.minus(Duration.ofHours(1)), b = NOW.plus(Duration.ofHours(1));
        return new LiveSnapshot(SmallFeed.FEED, FeedKind.ALERTS, NOW.getEpochSecond(), NOW, NOW, List.of(), List.of(), List.of(
                alert("stop", "STOP_MOVED", a, b, new ServiceAlert.InformedEntity(null, null, null, null, "D")),
                alert("route", "DETOUR", a, b, new ServiceAlert.InformedEntity(null, "9", null, null, null)),
                alert("trip", "SIGNIFICANT_DELAYS", a, b, new ServiceAlert.InformedEntity(null, null, null, "t10", null)),
                alert("agency", "OTHER_EFFECT", a, null, new ServiceAlert.InformedEntity("a", null, null, null, null)),
                alert("elsewhere", "NO_SERVICE", a, b, new ServiceAlert.InformedEntity(null, null, null, null, "G"),
                        new ServiceAlert.InformedEntity(null, "10", null, null, "G")),
                alert("expired", "NO_SERVICE", NOW.minus(Duration.ofHours(3)), NOW.minus(Duration.ofHours(2)),
                        new ServiceAlert.InformedEntity(null, null, null, null, "D"))));
    }

    private static ArrivalBoards.Board board(String acceptLanguage) {
        var t = feed();
        return SmallFeed.boards(NOW).compute(t, t.stops().get("D"), null, null, SmallFeed.view(alerts(), NOW), NOW,
                Duration.ofMinutes(5), Duration.ofMinutes(35), BoardAlerts.languages(acceptLanguage));
    }

    private static ArrivalBoards.Row row(ArrivalBoards.Board b, String trip) {
        return b.arrivals().stream().filter(r -> r.tripId().equals("small:" + trip)).findFirst().orElseThrow();
    }

    @Test
    void theBoardCarriesItsStopsAndTheAgencysAlertsAndEachRowItsRoutesAndTripsAlerts() {
        var b = board(null);
        assertThat(b.alerts()).extracting(BoardAlerts.Alert::id).containsExactly("agency", "stop");
        assertThat(row(b, "t9").alerts()).extracting(BoardAlerts.Alert::id).containsExactly("route");
        assertThat(row(b, "t10").alerts()).extracting(BoardAlerts.Alert::id).containsExactly("trip");
        var stop = b.alerts().get(1);
        assertThat(stop.effect()).isEqualTo("STOP_MOVED");
        assertThat(stop.cause()).isEqualTo("CONSTRUCTION");
        assertThat(stop.activePeriods()).singleElement().satisfies(p -> {
            assertThat(p.start()).isEqualTo("2026-03-10T11:00:00+08:00");
            assertThat(p.end()).isEqualTo("2026-03-10T13:00:00+08:00");
        });
        // No language asked: the city's, Chinese (the description's "zh" matches zh-CN by its primary language).
        assertThat(stop.headerText()).isEqualTo("车站临时关闭 stop");
        assertThat(stop.descriptionText()).isEqualTo("详情 stop");
        assertThat(stop.language()).isEqualTo("zh-CN");
    }

    @Test
    void textsFollowTheRidersLanguage() {
        var en = board("en-GB,en;q=0.9,zh;q=0.5").alerts().get(1);
        assertThat(en.headerText()).isEqualTo("Stop closed stop");
        assertThat(en.descriptionText()).isEqualTo("Details stop");
        // Nothing in French: the first given.
        assertThat(board("fr").alerts().get(1).headerText()).isEqualTo("车站临时关闭 stop");
        assertThat(BoardAlerts.pick(List.of(new ServiceAlert.LocalizedText("x", "en"), new ServiceAlert.LocalizedText("plain", null)),
                Locale.LanguageRange.parse("fr")).text()).isEqualTo("plain");
    }

    @Test
    void aBoardWithoutAlertsHasNone() {
        var t = feed();
        var b = SmallFeed.boards(NOW).compute(t, t.stops().get("D"), null, null, NOW, Duration.ofMinutes(5), Duration.ofMinutes(35));
        assertThat(b.alerts()).isEmpty();
        assertThat(b.arrivals()).allMatch(r -> r.alerts().isEmpty());
    }
}
