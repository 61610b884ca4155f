package city.onestop.transit.arrivals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import city.onestop.IntegrationTest;
import city.onestop.TestClock;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import city.onestop.transit.demo.DemoCity;
import city.onestop.transit.demo.DemoFeeds;
import city.onestop.transit.demo.DemoTimetable;
import city.onestop.transit.demo.SimulatedTimetable;
import city.onestop.transit.realtime.ingest.FeedPoller;
import city.onestop.transit.realtime.ingest.FeedServer;
import city.onestop.transit.realtime.ingest.LiveFeedProperties;
import city.onestop.transit.realtime.ingest.LiveState;
import city.onestop.transit.schedule.PlannedStop;
import city.onestop.transit.schedule.Timetables;
import city.onestop.transit.web.ArrivalController;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo city's loop line 3 reporting the way Guangzhou's bus GPS does (route, position and bearing; no trip, no
 * stop, no timestamp), served by a fake agency and polled by the normal ingest: its buses are on the boards of the
 * stops ahead, placed by the polling instance and read by another instance from Redis alone.
 */
@IntegrationTest
class LineLevelArrivalsIT {

    private static final Set<String> LINE_LEVEL = Set.of("3");

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired FeedPoller poller;
    @Autowired LiveState state;
    @Autowired Timetables timetables;
    @Autowired ReactiveStringRedisTemplate redis;
    @Autowired ReactiveRedisConnectionFactory connections;
    @Autowired JsonMapper json;
    @Autowired TestClock clock;
    @Autowired LiveFeedProperties properties;

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

    @Test
    void lineLevelLoopBusesAreOnTheBoardsAheadOnEveryInstance() {
        String feedId = "line-" + UUID.randomUUID().toString().substring(0, 8);
        feeds.add(feedId);
        web.post().uri("/api/v1/admin/transit/feeds/{f}/imports", feedId)
                .headers(h -> h.setBearerAuth(tokens.issue(UUID.randomUUID(), Set.of(Role.ADMIN)).value()))
                .contentType(MediaType.parseMediaType("application/zip"))
                .bodyValue(DemoCity.zip(LocalDate.now(clock).minusDays(7), ""))
                .exchange()
                .expectStatus().isCreated();
        Timetables.Timetable t = timetables.timetable(feedId).block(Duration.ofSeconds(60));
        ZoneId zone = ZoneId.of(DemoCity.TIMEZONE);
        clock.startAt(LocalDate.now(zone).atTime(10, 0).atZone(zone).toInstant());
        Instant at = clock.instant();

        List<SimulatedTimetable.SimTrip> trips = DemoTimetable.tripsBetween(t, at.minus(DemoFeeds.window()), at.plus(DemoFeeds.window()));
        agency.serve("/vp.pb", DemoFeeds.vehiclePositions(trips, at, LINE_LEVEL).toByteArray(), "\"vp\"");
        agency.serve("/tu.pb", DemoFeeds.tripUpdates(trips, at, LINE_LEVEL).toByteArray(), "\"tu\"");

        // A loop bus of line 3 well between stops, and the stop two calls ahead of it, from the simulator's own
        // placement and the stops' metres along the loop.
        SimulatedTimetable.SimTrip bus = null;
        double along = 0;
        int next = -1;
        for (SimulatedTimetable.SimTrip s : DemoFeeds.running(trips, at)) {
            if (!s.routeId().equals("3")) continue;
            along = Arrivals.scheduledProgress(s.plan(), at, DemoFeeds.delaySeconds(s.plan().tripId(), at)).distanceMeters();
            List<PlannedStop> stops = s.plan().stops();
            for (int k = 1; k < stops.size() - 3; k++) {
                if (along > stops.get(k - 1).distanceMeters() + 60 && along < stops.get(k).distanceMeters() - 60) {
                    bus = s;
                    next = k;
                    break;
                }
            }
            if (bus != null) break;
        }
        assertThat(bus).as("a line 3 bus between stops at 10:00").isNotNull();
        PlannedStop target = bus.plan().stops().get(next + 2);
        double metres = target.distanceMeters() - along;
        String stopId = feedId + ":" + target.stopId();
        String vehicleId = "demo-bus-" + bus.plan().tripId();

        var feed = new LiveFeedProperties.Feed(feedId, agency.url("/vp.pb"), agency.url("/tu.pb"), null, Duration.ofMillis(900));
        running.add(poller.loop(feed, "instance-a", state).run().subscribe());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(row(web, stopId, vehicleId)).isNotNull());
        var row = row(web, stopId, vehicleId);
        assertThat(row.get("status")).isEqualTo("PREDICTED");
        assertThat(row.get("numberOfStopsAway")).isEqualTo(2);
        assertThat(((Number) row.get("distanceFromStopMeters")).doubleValue()).isCloseTo(metres, org.assertj.core.api.Assertions.within(25.0));
        assertThat(row.get("tripId")).isEqualTo(feedId + ":line:3:" + vehicleId);
        // No timestamp of its own: as old as the feed header.
        assertThat(java.time.OffsetDateTime.parse((String) row.get("vehicleLastUpdated")).toInstant().getEpochSecond())
                .isEqualTo(at.getEpochSecond());

        // Instance B: its own live state and boards, nothing but Redis between them.
        LiveState b = new LiveState(redis, connections, json, clock, properties);
        b.start();
        try {
            ArrivalController onB = new ArrivalController(new ArrivalBoards(timetables, b, clock, properties, json), b);
            WebTestClient clientOfB = WebTestClient.bindToController(onB).configureClient()
                    .responseTimeout(Duration.ofSeconds(30)).build();
            var rowOnB = row(clientOfB, stopId, vehicleId);
            assertThat(rowOnB).isNotNull();
            assertThat(rowOnB.get("numberOfStopsAway")).isEqualTo(2);
            assertThat(rowOnB.get("distanceFromStopMeters")).isEqualTo(row.get("distanceFromStopMeters"));
        } finally {
            b.stop();
        }
    }

    @SuppressWarnings("unchecked")
    private static java.util.Map<String, Object> row(WebTestClient client, String stopId, String vehicleId) {
        var board = client.get().uri("/api/v1/transit/stops/{id}/arrivals?minutesBefore=5&minutesAfter=60", stopId)
                .exchange()
                .expectStatus().isOk()
                .expectBody(new org.springframework.core.ParameterizedTypeReference<java.util.Map<String, Object>>() {})
                .returnResult()
                .getResponseBody();
        return ((List<java.util.Map<String, Object>>) board.get("arrivals")).stream()
                .filter(r -> vehicleId.equals(r.get("vehicleId")))
                .findFirst()
                .orElse(null);
    }
}
