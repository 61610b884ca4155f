package city.onestop.transit.arrivals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import city.onestop.IntegrationTest;
import city.onestop.TestClock;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import city.onestop.transit.StopBoards;
import city.onestop.transit.demo.DemoCity;
import city.onestop.transit.demo.DemoFeeds;
import city.onestop.transit.demo.DemoTimetable;
import city.onestop.transit.realtime.ingest.FeedKind;
import city.onestop.transit.realtime.ingest.FeedPoller;
import city.onestop.transit.realtime.ingest.FeedServer;
import city.onestop.transit.realtime.ingest.LiveFeedProperties;
import city.onestop.transit.realtime.ingest.LiveState;
import city.onestop.transit.schedule.Timetables;
import city.onestop.transit.web.ArrivalController;
import com.google.transit.realtime.GtfsRealtime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/**
 * Alerts where riders look, end to end: an agency publishes a stop closure (in Chinese and English) after a rider
 * opened the stop's board stream; the stream pushes the board again with the alert, in the rider's language; the
 * board endpoint and the public {@link StopBoards} face (the dashboard's favourite stops) carry it too.
 */
@IntegrationTest
class TransitAlertsIT {

    private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> EVENT = new ParameterizedTypeReference<>() {};

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired FeedPoller poller;
    @Autowired LiveState state;
    @Autowired Timetables timetables;
    @Autowired TestClock clock;
    @Autowired StopBoards stopBoards;

    private final FeedServer agency = new FeedServer();
    private final List<Disposable> running = new CopyOnWriteArrayList<>();
    private final List<String> feeds = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        running.forEach(Disposable::dispose);
        agency.close();
        clock.reset();
        // Snapshots stamped at the moved clock would look hours old to the next test's lists (stale): drop them.
        feeds.forEach(f -> state.forget(f).block(Duration.ofSeconds(10)));
    }

    private static byte[] alerts(Instant header, String... closedStops) {
        var feed = GtfsRealtime.FeedMessage.newBuilder().setHeader(GtfsRealtime.FeedHeader.newBuilder()
                .setGtfsRealtimeVersion("2.0").setTimestamp(header.getEpochSecond()));
        for (String stop : closedStops) {
            feed.addEntity(GtfsRealtime.FeedEntity.newBuilder().setId("closure-" + stop).setAlert(GtfsRealtime.Alert.newBuilder()
                    .addActivePeriod(GtfsRealtime.TimeRange.newBuilder().setStart(header.getEpochSecond() - 3600))
                    .addInformedEntity(GtfsRealtime.EntitySelector.newBuilder().setStopId(stop))
                    .setCause(GtfsRealtime.Alert.Cause.CONSTRUCTION)
                    .setEffect(GtfsRealtime.Alert.Effect.STOP_MOVED)
                    .setHeaderText(GtfsRealtime.TranslatedString.newBuilder()
                            .addTranslation(GtfsRealtime.TranslatedString.Translation.newBuilder().setText("车站施工，临时迁移").setLanguage("zh-CN"))
                            .addTranslation(GtfsRealtime.TranslatedString.Translation.newBuilder().setText("Stop moved for works").setLanguage("en")))));
        }
        return feed.build().toByteArray();
    }

    private Timetables.Timetable importCity(String feedId) {
        feeds.add(feedId);
        web.post().uri("/api/v1/admin/transit/feeds/{f}/imports", feedId)
                .headers(h -> h.setBearerAuth(tokens.issue(UUID.randomUUID(), Set.of(Role.ADMIN)).value()))
                .contentType(MediaType.parseMediaType("application/zip"))
                .bodyValue(DemoCity.zip(LocalDate.now(clock).minusDays(7), ""))
                .exchange()
                .expectStatus().isCreated();
        return timetables.timetable(feedId).block(Duration.ofSeconds(60));
    }

    @Test
    void aNewAlertReachesTheBoardItsStreamAndTheSharedFace() {
        String feedId = "alert-" + UUID.randomUUID().toString().substring(0, 8);
        Timetables.Timetable t = importCity(feedId);
        ZoneId zone = ZoneId.of(DemoCity.TIMEZONE);
        clock.startAt(LocalDate.now(zone).atTime(10, 0).atZone(zone).toInstant());
        Instant at = clock.instant();
        var trips = DemoTimetable.tripsBetween(t, at.minus(DemoFeeds.window()), at.plus(DemoFeeds.window()));
        agency.serve("/vp.pb", DemoFeeds.vehiclePositions(trips, at).toByteArray(), "\"vp\"");
        agency.serve("/tu.pb", DemoFeeds.tripUpdates(trips, at).toByteArray(), "\"tu\"");
        agency.serve("/al.pb", alerts(at), "\"al-1\"");
        var feed = new LiveFeedProperties.Feed(feedId, agency.url("/vp.pb"), agency.url("/tu.pb"), agency.url("/al.pb"),
                Duration.ofMillis(900));
        running.add(poller.loop(feed, "instance-a", state).run().subscribe());
        await().atMost(Duration.ofSeconds(30)).until(() -> state.peek(feedId, FeedKind.ALERTS).isPresent());
        String stopId = feedId + ":E5";

        var events = web.get().uri("/api/v1/transit/stops/{id}/arrivals/stream", stopId)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .header("Accept-Language", "en")
                .exchange()
                .expectStatus().isOk()
                .returnResult(EVENT)
                .getResponseBody()
                .filter(e -> "arrivals".equals(e.event()));
        StepVerifier.create(events)
                .assertNext(e -> assertThat(e.data()).doesNotContainKey("alerts"))
                .then(() -> agency.serve("/al.pb", alerts(at.plusSeconds(2), "E5", "W9"), "\"al-2\""))
                .assertNext(e -> {
                    @SuppressWarnings("unchecked")
                    var alerts = (List<Map<String, Object>>) e.data().get("alerts");
                    assertThat(alerts).singleElement().satisfies(a -> {
                        assertThat(a).containsEntry("id", "closure-E5").containsEntry("effect", "STOP_MOVED")
                                .containsEntry("cause", "CONSTRUCTION").containsEntry("headerText", "Stop moved for works")
                                .containsEntry("language", "en");
                    });
                })
                .thenCancel()
                .verify(Duration.ofSeconds(60));

        web.get().uri("/api/v1/transit/stops/{id}/arrivals", stopId).exchange()
                .expectStatus().isOk()
                .expectHeader().exists("ETag")
                .expectBody().jsonPath("$.alerts[0].headerText").isEqualTo("车站施工，临时迁移");
        var shared = stopBoards.activeAlerts(stopId, null).block(Duration.ofSeconds(30));
        assertThat(shared).extracting(StopBoards.StopAlert::id).containsExactly("closure-E5");
        assertThat(shared.get(0).headerText()).isEqualTo("车站施工，临时迁移");
        // The feed carries whole seconds: the header's second, less an hour.
        assertThat(shared.get(0).activeFrom().toInstant()).isEqualTo(Instant.ofEpochSecond(at.getEpochSecond() + 2 - 3600));
    }

    @Test
    void aBoardAnswers304ToItsETagAndIsCachedNoLongerThanThePollInterval() {
        String feedId = "etag-" + UUID.randomUUID().toString().substring(0, 8);
        importCity(feedId);
        String stopId = feedId + ":E5";
        var first = web.get().uri("/api/v1/transit/stops/{id}/arrivals", stopId).exchange();
        var result = first.expectStatus().isOk().expectBody().returnResult();
        String etag = result.getResponseHeaders().getETag();
        assertThat(etag).isNotNull();
        assertThat(result.getResponseHeaders().getCacheControl()).contains("max-age=" + ArrivalController.MAX_AGE_CAP.toSeconds())
                .contains("public"); // a feed nobody polls here: the cap
        // Within the same clock second the bytes (and so the ETag) are the same: 304 with no body.
        clock.freezeAt(clock.instant());
        String frozenEtag = web.get().uri("/api/v1/transit/stops/{id}/arrivals", stopId).exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseHeaders().getETag();
        web.get().uri("/api/v1/transit/stops/{id}/arrivals", stopId).header("If-None-Match", frozenEtag).exchange()
                .expectStatus().isNotModified()
                .expectBody().isEmpty();
    }
}
