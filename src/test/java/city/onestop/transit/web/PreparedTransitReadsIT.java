package city.onestop.transit.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import city.onestop.IntegrationTest;
import city.onestop.TestClock;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import city.onestop.transit.TransitFixtures;
import city.onestop.transit.demo.DemoFeeds;
import city.onestop.transit.demo.DemoTimetable;
import city.onestop.transit.realtime.ingest.FeedKind;
import city.onestop.transit.realtime.ingest.FeedPoller;
import city.onestop.transit.realtime.ingest.FeedServer;
import city.onestop.transit.realtime.ingest.LiveFeedProperties;
import city.onestop.transit.realtime.ingest.LiveState;
import city.onestop.transit.schedule.Timetables;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;

/**
 * The four hot public transit reads answered from prepared bytes (ahead of the security chain) answer exactly what
 * the annotated controllers answer: the same bytes and the same headers, 304 to a matching If-None-Match, problem+json
 * for junk (which the prepared way leaves to the controllers), and every request counted in
 * {@code http.server.requests} under its route. A request with a bearer token always takes the ordinary way, which
 * makes it the reference here. The clock is frozen so that time-dependent answers (departures from now, the board's
 * generatedAt) are the same on both ways.
 */
@IntegrationTest
class PreparedTransitReadsIT {

    private static final String FEED = "prepared";
    private static final String METER = "onestop.prepared.reads";

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired MeterRegistry meters;
    @Autowired TestClock clock;
    @Autowired FeedPoller poller;
    @Autowired LiveState state;
    @Autowired Timetables timetables;

    private final FeedServer agency = new FeedServer();
    private final List<Disposable> running = new CopyOnWriteArrayList<>();
    private final List<String> polled = new CopyOnWriteArrayList<>();

    @AfterEach
    void resetClock() {
        running.forEach(Disposable::dispose);
        agency.close();
        clock.reset();
        // Snapshots stamped at the frozen clock would look old to the next test: drop them.
        polled.forEach(f -> state.forget(f).block(Duration.ofSeconds(10)));
    }

    private record Read(String uri, String pattern) {}

    private static List<Read> reads() {
        return List.of(
                new Read("/api/v1/transit/stops/" + FEED + ":E5", "/api/v1/transit/stops/{stopId}"),
                new Read("/api/v1/transit/stops?lat=23.13&lon=113.26&radius=800&feedId=" + FEED, "/api/v1/transit/stops"),
                new Read("/api/v1/transit/stops/" + FEED + ":E5/departures?duration=90", "/api/v1/transit/stops/{stopId}/departures"),
                new Read("/api/v1/transit/stops/" + FEED + ":E5/arrivals?minutesBefore=5&minutesAfter=60",
                        "/api/v1/transit/stops/{stopId}/arrivals"));
    }

    private double prepared(String pattern) {
        var counter = Search.in(meters).name(METER).tag("uri", pattern).counter();
        return counter == null ? 0 : counter.count();
    }

    private double served(String pattern) {
        var timer = Search.in(meters).name("http.server.requests").tag("uri", pattern).tag("status", "200").timer();
        return timer == null ? 0 : timer.count();
    }

    private EntityExchangeResult<byte[]> get(String uri, String token) {
        return web.get().uri(uri)
                .headers(h -> {
                    if (token != null) h.setBearerAuth(token);
                })
                .exchange()
                .expectStatus().isOk()
                .expectBody().returnResult();
    }

    /** The headers a client sees, without those that differ per request by design. */
    private static TreeMap<String, List<String>> comparable(HttpHeaders headers) {
        TreeMap<String, List<String>> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> {
            if (!name.equalsIgnoreCase("X-Request-Id") && !name.equalsIgnoreCase("Date")) {
                out.put(name, values);
            }
        });
        return out;
    }

    @Test
    void answersTheSameBytesAndHeadersAsTheControllers() {
        TransitFixtures.demo(web, tokens, FEED);
        // Issued at the real time (the token's validity is checked against it), before the clock is frozen.
        String citizen = tokens.issue(UUID.randomUUID(), Set.of(Role.CITIZEN)).value();
        // 2025-11-06 (a Thursday inside the demo city's year), 08:00 in the city: buses run.
        clock.freezeAt(Instant.parse("2025-11-06T00:00:00Z"));
        for (Read read : reads()) {
            double initial = served(read.pattern());
            get(read.uri(), null); // the first request may prepare the bytes the ordinary way
            await().atMost(Duration.ofSeconds(20)).until(() -> served(read.pattern()) >= initial + 1);
            double before = prepared(read.pattern());
            double servedBefore = served(read.pattern());
            var fast = get(read.uri(), null);
            assertThat(prepared(read.pattern())).as("answered from prepared bytes: %s", read.uri()).isEqualTo(before + 1);
            var ordinary = get(read.uri(), citizen);
            assertThat(prepared(read.pattern())).as("a token takes the ordinary way: %s", read.uri()).isEqualTo(before + 1);

            assertThat(fast.getResponseBody()).as(read.uri()).isEqualTo(ordinary.getResponseBody());
            assertThat(comparable(fast.getResponseHeaders())).as(read.uri()).isEqualTo(comparable(ordinary.getResponseHeaders()));
            assertThat(fast.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
            assertThat(fast.getResponseHeaders().getETag()).as(read.uri()).isNotBlank();
            // The observation stops when the exchange completes, which may be just after the client has the body.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(served(read.pattern()))
                    .as("http.server.requests counts both: %s", read.uri()).isEqualTo(servedBefore + 2));
        }
    }

    @Test
    void answersNotModifiedToAMatchingIfNoneMatch() {
        TransitFixtures.demo(web, tokens, FEED);
        clock.freezeAt(Instant.parse("2025-11-06T00:00:00Z"));
        for (Read read : reads()) {
            String etag = get(read.uri(), null).getResponseHeaders().getETag();
            double before = prepared(read.pattern());
            web.get().uri(read.uri()).header("If-None-Match", etag).exchange()
                    .expectStatus().isNotModified()
                    .expectHeader().valueEquals("ETag", etag)
                    .expectBody().isEmpty();
            assertThat(prepared(read.pattern())).as(read.uri()).isEqualTo(before + 1);
        }
    }

    @Test
    void leavesJunkToTheControllersWhichAnswerProblems() {
        TransitFixtures.demo(web, tokens, FEED);
        List<String> junk = List.of(
                "/api/v1/transit/stops/" + FEED + ":E5/arrivals?minutesBefore=abc",
                "/api/v1/transit/stops/" + FEED + ":E5/arrivals?minutesBefore=61",
                "/api/v1/transit/stops/" + FEED + ":E5/departures?duration=0",
                "/api/v1/transit/stops/" + FEED + ":E5/departures?from=yesterday",
                "/api/v1/transit/stops?lat=123&lon=113.26",
                "/api/v1/transit/stops?lat=23.1",
                "/api/v1/transit/stops?lat=2e1&lon=113.26&radius=-5");
        for (String uri : junk) {
            web.get().uri(uri).exchange()
                    .expectStatus().isBadRequest()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.code").isNotEmpty();
        }
        web.get().uri("/api/v1/transit/stops/" + FEED + ":nope/arrivals").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("NOT_FOUND");
        // An Accept without JSON is content negotiation's: the ordinary way answers it, even for prepared bytes.
        String stop = "/api/v1/transit/stops/" + FEED + ":E5";
        get(stop, null);
        double prepared = prepared("/api/v1/transit/stops/{stopId}");
        web.get().uri(stop).header("Accept", "text/html").exchange().expectStatus().isOk();
        assertThat(prepared("/api/v1/transit/stops/{stopId}")).isEqualTo(prepared);
        // A bad token on a public read is refused as before, not answered from prepared bytes.
        web.get().uri("/api/v1/transit/stops/" + FEED + ":E5").header("Authorization", "Bearer junk").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    private static final String BOARD = "/api/v1/transit/stops/{stopId}/arrivals";

    private String board(String feedId) {
        return "/api/v1/transit/stops/" + feedId + ":E5/arrivals?minutesBefore=5&minutesAfter=60";
    }

    /** The demo city's buses at {@code at}, served by a fake agency and polled into the live state. */
    private void pollSimulation(String feedId, Instant at) {
        Timetables.Timetable t = timetables.timetable(feedId).block(Duration.ofSeconds(60));
        var trips = DemoTimetable.tripsBetween(t, at.minus(DemoFeeds.window()), at.plus(DemoFeeds.window()));
        agency.serve("/vp.pb", DemoFeeds.vehiclePositions(trips, at).toByteArray(), "\"vp-" + at + "\"");
        agency.serve("/tu.pb", DemoFeeds.tripUpdates(trips, at).toByteArray(), "\"tu-" + at + "\"");
        polled.add(feedId);
        var feed = new LiveFeedProperties.Feed(feedId, agency.url("/vp.pb"), agency.url("/tu.pb"), null, Duration.ofMillis(900));
        running.add(poller.loop(feed, "instance-a", state).run().subscribe());
    }

    @Test
    void aBoardsBytesAreReusedUntilANewSnapshotArrivesThenChangeAtOnce() {
        String feedId = "prep-live-" + UUID.randomUUID().toString().substring(0, 8);
        TransitFixtures.demo(web, tokens, feedId);
        String citizen = tokens.issue(UUID.randomUUID(), Set.of(Role.CITIZEN)).value();
        Instant at = Instant.parse("2025-11-06T00:00:00Z");
        clock.freezeAt(at);
        var scheduled = get(board(feedId), null);
        // The clock moves (less than the board's max-age) but nothing live changed: the same bytes, from prepared bytes.
        clock.advance(Duration.ofSeconds(3));
        double before = prepared(BOARD);
        var again = get(board(feedId), null);
        assertThat(prepared(BOARD)).isEqualTo(before + 1);
        assertThat(again.getResponseBody()).isEqualTo(scheduled.getResponseBody());
        assertThat(again.getResponseHeaders().getETag()).isEqualTo(scheduled.getResponseHeaders().getETag());

        pollSimulation(feedId, clock.instant());
        await().atMost(Duration.ofSeconds(30)).until(() -> state.peek(feedId, FeedKind.VEHICLE_POSITIONS).isPresent()
                && state.peek(feedId, FeedKind.TRIP_UPDATES).isPresent());
        // The first request after the snapshot already answers the new board, on both ways, with a new ETag.
        var live = get(board(feedId), null);
        assertThat(live.getResponseHeaders().getETag()).isNotEqualTo(scheduled.getResponseHeaders().getETag());
        assertThat(new String(live.getResponseBody(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"dataAgeSeconds\"");
        var ordinary = get(board(feedId), citizen);
        assertThat(ordinary.getResponseBody()).isEqualTo(live.getResponseBody());
        // The old ETag no longer matches; the new one gets a 304 from the prepared way.
        web.get().uri(board(feedId)).header("If-None-Match", scheduled.getResponseHeaders().getETag()).exchange()
                .expectStatus().isOk();
        double prepared = prepared(BOARD);
        web.get().uri(board(feedId)).header("If-None-Match", live.getResponseHeaders().getETag()).exchange()
                .expectStatus().isNotModified()
                .expectHeader().valueEquals("ETag", live.getResponseHeaders().getETag())
                .expectBody().isEmpty();
        assertThat(prepared(BOARD)).isEqualTo(prepared + 1);
    }

    @Test
    void aBoardIsNeverOlderThanItsMaxAge() {
        TransitFixtures.demo(web, tokens, FEED);
        clock.freezeAt(Instant.parse("2025-11-06T00:00:00Z"));
        var first = get(board(FEED), null);
        long maxAge = first.getResponseHeaders().getCacheControl().contains("max-age=")
                ? Long.parseLong(first.getResponseHeaders().getCacheControl().replaceAll(".*max-age=(\\d+).*", "$1")) : -1;
        assertThat(maxAge).isPositive();
        clock.advance(Duration.ofSeconds(maxAge - 1));
        assertThat(get(board(FEED), null).getResponseHeaders().getETag()).isEqualTo(first.getResponseHeaders().getETag());
        // At max-age the bytes are computed again: generatedAt is the new "now".
        clock.advance(Duration.ofSeconds(1));
        var later = get(board(FEED), null);
        assertThat(later.getResponseHeaders().getETag()).isNotEqualTo(first.getResponseHeaders().getETag());
        assertThat(new String(later.getResponseBody(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"generatedAt\":\"2025-11-06T08:00:" + String.format("%02d", maxAge) + "+08:00\"");
    }
}
