package city.onestop.transit.realtime.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import city.onestop.IntegrationTest;
import city.onestop.transit.realtime.ingest.HalifaxCapture.Node;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * The ingest on the real embedded Redis, fed the real Halifax capture by a fake agency server. Feeds get random
 * ids so tests never see each other's state; the capture is shifted to "now" because the shared context runs on
 * the real clock (a fixed-clock replay is covered in the decoding and arrival tests).
 */
@IntegrationTest
class RealtimeIngestIT {

    private static final Duration POLL = Duration.ofMillis(900);

    @Autowired WebTestClient web;
    @Autowired FeedPoller poller;
    @Autowired LiveState state;
    @Autowired ReactiveStringRedisTemplate redis;
    @Autowired ReactiveRedisConnectionFactory connections;
    @Autowired JsonMapper json;
    @Autowired Clock clock;
    @Autowired LiveFeedProperties properties;
    @org.springframework.boot.test.web.server.LocalServerPort int port;
    @org.springframework.boot.test.web.server.LocalManagementPort int managementPort;

    private final FeedServer agency = new FeedServer();
    private final List<Disposable> running = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        running.forEach(Disposable::dispose);
        agency.close();
    }

    private LiveFeedProperties.Feed feed() {
        return new LiveFeedProperties.Feed(
                "it-" + UUID.randomUUID().toString().substring(0, 8),
                agency.url("/vp.pb"),
                agency.url("/tu.pb"),
                agency.url("/alerts.pb"),
                POLL);
    }

    private void serveCaptureAt(Instant headerAt) {
        agency.serve("/vp.pb", ShiftedCapture.shifted("VehiclePositions.pb", headerAt), "\"vp-" + headerAt + "\"");
        agency.serve("/tu.pb", ShiftedCapture.shifted("TripUpdates.pb", headerAt), "\"tu-" + headerAt + "\"");
        agency.serve("/alerts.pb", ShiftedCapture.shifted("Alerts.pb", headerAt));
    }

    @org.springframework.beans.factory.annotation.Value("${spring.data.redis.url:}") String redisUrl;
    @org.springframework.beans.factory.annotation.Value("${spring.data.redis.port:6379}") int redisPort;

    /** How many connections listen to the change announcements, asked of Redis itself (PUBSUB NUMSUB). */
    private long changeSubscribers() {
        io.lettuce.core.RedisURI uri = redisUrl.isBlank() ? io.lettuce.core.RedisURI.create("127.0.0.1", redisPort)
                : io.lettuce.core.RedisURI.create(redisUrl);
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(uri);
        try (var connection = client.connect()) {
            return connection.sync().pubsubNumsub(RedisKeys.CHANGES_CHANNEL).getOrDefault(RedisKeys.CHANGES_CHANNEL, 0L);
        } finally {
            client.shutdown();
        }
    }

    private List<FeedHealth> run(FeedLoop loop) {
        List<FeedHealth> polls = new CopyOnWriteArrayList<>();
        running.add(loop.run().subscribe(polls::add));
        return polls;
    }

    @Test
    void ingestsTheHalifaxCaptureAndAnotherInstanceServesItThroughPubSub() {
        Instant now = clock.instant().minusSeconds(5);
        serveCaptureAt(now);
        LiveFeedProperties.Feed feed = feed();
        // Instance B: its own near cache, fed only by the announcements instance A publishes.
        LiveState b = new LiveState(redis, connections, json, clock, properties);
        long listening = changeSubscribers();
        b.start();
        try {
            // B subscribes asynchronously; an announcement A made before that would never reach it (the capture
            // then answers 304 and nothing changes), so A starts only once Redis counts B's subscription.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> changeSubscribers() > listening);
            run(poller.loop(feed, "instance-a", state));

            List<Node> vehicles = HalifaxCapture.text("VehiclePositions").all("entity");
            List<Node> trips = HalifaxCapture.text("TripUpdates").all("entity");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(b.peek(feed.id(), FeedKind.VEHICLE_POSITIONS))
                        .hasValueSatisfying(s -> assertThat(s.vehicles()).hasSize(vehicles.size()));
                assertThat(b.peek(feed.id(), FeedKind.TRIP_UPDATES))
                        .hasValueSatisfying(s -> assertThat(s.tripUpdates()).hasSize(trips.size()));
            });
        } finally {
            b.stop();
        }
    }

    @Test
    void reportsFeedHealthAndRevalidatesWithTheEtag() {
        serveCaptureAt(clock.instant().minusSeconds(3));
        LiveFeedProperties.Feed feed = feed();
        run(poller.loop(feed, "instance-a", state));
        int trips = HalifaxCapture.text("TripUpdates").all("entity").size();

        // A second poll of an unchanged feed costs a 304.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> agency.requests.stream()
                        .anyMatch(r -> r.getUrl().encodedPath().equals("/tu.pb")
                                && r.getHeaders().get("If-None-Match") != null));

        web.get().uri("/api/v1/transit/feeds/{id}/status", feed.id()).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.feedId").isEqualTo(feed.id())
                .jsonPath("$.pollingInstance").isEqualTo("instance-a")
                .jsonPath("$.feeds[?(@.kind == 'TRIP_UPDATES')].entitiesAccepted").isEqualTo(trips)
                .jsonPath("$.feeds[?(@.kind == 'TRIP_UPDATES')].entitiesRejected").isEqualTo(0)
                .jsonPath("$.feeds[?(@.kind == 'TRIP_UPDATES')].problems.DUPLICATE_TRIP").isEqualTo(1)
                .jsonPath("$.feeds[?(@.kind == 'TRIP_UPDATES')].circuitState").isEqualTo("CLOSED")
                .jsonPath("$.feeds[?(@.kind == 'TRIP_UPDATES')].lastSuccessAt").exists();
        city.onestop.ManagementClient.on(managementPort).get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class)
                .value(metrics -> assertThat(metrics)
                        .contains("onestop_transit_realtime_polls_total{")
                        .containsPattern("onestop_transit_realtime_polls_total\\{[^}]*feed=\"" + feed.id()
                                + "\"[^}]*outcome=\"ACCEPTED\"")
                        .contains("resilience4j_circuitbreaker_state{"));
    }

    @Test
    void servesLiveVehiclesOfARouteAndNearAPoint() {
        serveCaptureAt(clock.instant().minusSeconds(3));
        LiveFeedProperties.Feed feed = feed();
        run(poller.loop(feed, "instance-a", state));
        List<Node> vehicles = HalifaxCapture.text("VehiclePositions").all("entity");
        Node first = vehicles.get(0).one("vehicle");
        String route = first.one("trip").get("route_id");
        long onRoute = vehicles.stream()
                .filter(e -> route.equals(e.one("vehicle").one("trip").get("route_id")))
                .count();
        await().atMost(Duration.ofSeconds(20)).until(() -> state.peek(feed.id(), FeedKind.VEHICLE_POSITIONS).isPresent());

        web.get().uri("/api/v1/transit/routes/{route}/vehicles", route).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items[?(@.feedId == '" + feed.id() + "')].vehicleId").value(ids ->
                        assertThat((List<?>) ids).hasSize((int) onRoute))
                .jsonPath("$.stale").isEqualTo(false);
        web.get().uri(u -> u.path("/api/v1/transit/vehicles")
                        .queryParam("lat", first.one("position").get("latitude"))
                        .queryParam("lon", first.one("position").get("longitude"))
                        .queryParam("radius", 50)
                        .build())
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items[?(@.feedId == '" + feed.id() + "')].vehicleId")
                .value(ids -> assertThat((List<Object>) ids).contains((Object) first.one("vehicle").get("id")));
        web.get().uri("/api/v1/transit/vehicles?lat=91&lon=0").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void onlyOneInstancePollsAndAnotherTakesOverWithinAPollIntervalWhenItDies() {
        serveCaptureAt(clock.instant().minusSeconds(3));
        LiveFeedProperties.Feed feed = feed();
        List<FeedHealth> a = run(poller.loop(feed, "instance-a", state));
        await().atMost(Duration.ofSeconds(10)).until(() -> !a.isEmpty());
        Disposable aLoop = running.get(0);
        List<FeedHealth> b = run(poller.loop(feed, "instance-b", state));

        // Both tick; only the holder of the lease polls.
        await().atMost(Duration.ofSeconds(10)).until(() -> a.size() >= 3 * 3);
        assertThat(b).isEmpty();

        // A dies without handing the lease back.
        aLoop.dispose();
        long died = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> !b.isEmpty());
        Duration takeover = Duration.ofNanos(System.nanoTime() - died);

        // Lease TTL (2 ticks) after A's last renewal plus one tick of B: one poll interval. Slack for busy CI cores.
        assertThat(takeover).isLessThan(POLL.plusMillis(600));
        assertThat(b.get(0).polledBy()).isEqualTo("instance-b");
    }

    @Test
    void aMalformedBodyIsRejectedAndTheLastGoodStateStays() {
        serveCaptureAt(clock.instant().minusSeconds(3));
        LiveFeedProperties.Feed feed = feed();
        FeedIngest ingest = poller.loop(feed, "instance-a", state).ingest(FeedKind.VEHICLE_POSITIONS);
        FeedHealth good = ingest.pollOnce().block(Duration.ofSeconds(10));
        assertThat(good.lastOutcome()).isEqualTo(FeedHealth.Outcome.ACCEPTED);
        long version = state.peek(feed.id(), FeedKind.VEHICLE_POSITIONS).orElseThrow().version();

        agency.serve("/vp.pb", "<html>502 Bad Gateway</html>".getBytes());
        FeedHealth bad = ingest.pollOnce().block(Duration.ofSeconds(10));

        assertThat(bad.lastOutcome()).isEqualTo(FeedHealth.Outcome.REJECTED);
        assertThat(bad.rejectedBodies()).isEqualTo(1);
        assertThat(bad.lastSuccessAt()).isEqualTo(good.lastSuccessAt());
        assertThat(state.peek(feed.id(), FeedKind.VEHICLE_POSITIONS).orElseThrow().version()).isEqualTo(version);
        web.get().uri("/api/v1/transit/feeds/{id}/status", feed.id()).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.feeds[?(@.kind == 'VEHICLE_POSITIONS')].rejectedBodies").isEqualTo(1)
                .jsonPath("$.feeds[?(@.kind == 'VEHICLE_POSITIONS')].lastOutcome").isEqualTo("REJECTED");
    }

    @Test
    void aFeedWhoseHeaderDidNotAdvanceIsSkipped() {
        Instant header = clock.instant().minusSeconds(3);
        LiveFeedProperties.Feed feed = feed();
        // No ETag, no Last-Modified: only the header timestamp tells that nothing changed.
        agency.serve("/vp.pb", ShiftedCapture.shifted("VehiclePositions.pb", header));
        FeedIngest ingest = poller.loop(feed, "instance-a", state).ingest(FeedKind.VEHICLE_POSITIONS);

        assertThat(ingest.pollOnce().block(Duration.ofSeconds(10)).lastOutcome()).isEqualTo(FeedHealth.Outcome.ACCEPTED);
        assertThat(ingest.pollOnce().block(Duration.ofSeconds(10)).lastOutcome()).isEqualTo(FeedHealth.Outcome.UNCHANGED);

        agency.serve("/vp.pb", ShiftedCapture.shifted("VehiclePositions.pb", header.plusSeconds(15)));
        assertThat(ingest.pollOnce().block(Duration.ofSeconds(10)).lastOutcome()).isEqualTo(FeedHealth.Outcome.ACCEPTED);
        assertThat(state.peek(feed.id(), FeedKind.VEHICLE_POSITIONS).orElseThrow().headerTimestamp())
                .isEqualTo(header.plusSeconds(15).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    @Test
    void anOutageOpensTheCircuitWhileTheLastGoodStateIsServedWithItsAge() {
        serveCaptureAt(clock.instant().minusSeconds(3));
        LiveFeedProperties.Feed feed = feed();
        FeedIngest ingest = poller.loop(feed, "instance-a", state).ingest(FeedKind.VEHICLE_POSITIONS);
        assertThat(ingest.pollOnce().block(Duration.ofSeconds(10)).lastOutcome()).isEqualTo(FeedHealth.Outcome.ACCEPTED);

        agency.fail("/vp.pb", 500);
        FeedHealth last = null;
        for (int i = 0; i < 4 && (last == null || !last.circuitState().equals("OPEN")); i++) {
            last = ingest.pollOnce().block(Duration.ofSeconds(30));
            assertThat(last.lastOutcome()).isEqualTo(FeedHealth.Outcome.FAILED);
        }
        assertThat(last.circuitState()).isEqualTo("OPEN");
        long callsWhenOpened = agency.count("/vp.pb");
        FeedHealth refused = ingest.pollOnce().block(Duration.ofSeconds(10));
        assertThat(refused.lastError()).startsWith("CIRCUIT_OPEN");
        assertThat(agency.count("/vp.pb")).isEqualTo(callsWhenOpened);

        int vehicles = HalifaxCapture.text("VehiclePositions").all("entity").size();
        assertThat(state.peek(feed.id(), FeedKind.VEHICLE_POSITIONS).orElseThrow().vehicles()).hasSize(vehicles);
        web.get().uri("/api/v1/transit/feeds/{id}/status", feed.id()).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.feeds[?(@.kind == 'VEHICLE_POSITIONS')].circuitState").isEqualTo("OPEN")
                .jsonPath("$.feeds[?(@.kind == 'VEHICLE_POSITIONS')].consecutiveFailures").value(n ->
                        assertThat(((List<?>) n).get(0)).isNotEqualTo(0))
                .jsonPath("$.feeds[?(@.kind == 'VEHICLE_POSITIONS')].dataAgeSeconds").exists();
    }

    @Test
    void concurrentReadsAllCompleteFromTheNearCache() {
        serveCaptureAt(clock.instant().minusSeconds(3));
        LiveFeedProperties.Feed feed = feed();
        run(poller.loop(feed, "instance-a", state));
        await().atMost(Duration.ofSeconds(20)).until(() -> state.peek(feed.id(), FeedKind.VEHICLE_POSITIONS).isPresent());
        String route = HalifaxCapture.text("VehiclePositions").all("entity").get(0).one("vehicle").one("trip")
                .get("route_id");
        org.springframework.web.reactive.function.client.WebClient client =
                org.springframework.web.reactive.function.client.WebClient.create("http://localhost:" + port);

        // 1,000 reads, 16 at a time, each bounded: every one must answer 200; a hung request (the failure seen
        // with HGETALL on the shared connection) would hit the bound. The bound is generous because these two
        // cores are shared with other builds: this proves "never unanswered", not speed.
        List<Integer> statuses = reactor.core.publisher.Flux.range(0, 1_000)
                .flatMap(i -> client.get()
                                .uri("/api/v1/transit/routes/{route}/vehicles", route)
                                .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                                .timeout(Duration.ofSeconds(30))
                                .onErrorReturn(-1),
                        16)
                .collectList()
                .block(Duration.ofSeconds(300));

        assertThat(statuses).hasSize(1_000).containsOnly(200);
    }

    @Test
    void theDemoSimulatorServesValidFeedsWithoutAToken() {
        for (String feed : List.of("vehicle-positions", "trip-updates")) {
            byte[] body = web.get().uri("/api/v1/demo/gtfs-rt/{feed}.pb", feed).exchange()
                    .expectStatus().isOk()
                    .expectHeader().contentType("application/x-protobuf")
                    .expectBody(byte[].class)
                    .returnResult()
                    .getResponseBody();
            assertThat(new GtfsRealtimeDecoder().decode(body)).isInstanceOf(FeedDecoding.FeedDecodeResult.class);
        }
    }

    @Test
    void anUnknownFeedHasNoStatus() {
        web.get().uri("/api/v1/transit/feeds/{id}/status", "no-such-feed-" + UUID.randomUUID()).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }
}
