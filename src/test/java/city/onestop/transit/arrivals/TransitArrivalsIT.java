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
import city.onestop.transit.demo.SimulatedTimetable;
import city.onestop.transit.realtime.ingest.FeedKind;
import city.onestop.transit.realtime.ingest.FeedPoller;
import city.onestop.transit.realtime.ingest.FeedServer;
import city.onestop.transit.realtime.ingest.LiveFeedProperties;
import city.onestop.transit.realtime.ingest.LiveState;
import city.onestop.transit.schedule.ServiceDays;
import city.onestop.transit.schedule.Timetables;
import city.onestop.transit.web.ArrivalController;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
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
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

/**
 * Arrivals end to end on the shared context: the demo city imported as a fresh feed (dated around today), the test
 * clock moved to mid-morning in the demo city (so there are buses whatever the real time), its buses simulated and
 * served by a fake agency server, polled by the normal ingest into Redis, and answered at
 * {@code /stops/{id}/arrivals}. Expectations come from the timetable's raw stop times and the simulator's delay, not
 * from the board code.
 */
@IntegrationTest
class TransitArrivalsIT {

    private static final Duration POLL = Duration.ofMillis(900);
    private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> EVENT =
            new ParameterizedTypeReference<>() {};

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

    /** 10:00 today in the demo city, when all its day lines run; the clock ticks on from there. */
    private Instant morningInTheDemoCity() {
        Instant at = LocalDate.now(ZoneId.of(DemoCity.TIMEZONE)).atTime(10, 0).atZone(ZoneId.of(DemoCity.TIMEZONE)).toInstant();
        clock.startAt(at);
        return clock.instant();
    }

    /** A fresh demo city under its own feed id, its timetable loaded (imported at the real time: the token is valid). */
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

    private void serveSimulation(Timetables.Timetable t, Instant at) {
        List<SimulatedTimetable.SimTrip> trips =
                DemoTimetable.tripsBetween(t, at.minus(DemoFeeds.window()), at.plus(DemoFeeds.window()));
        agency.serve("/vp.pb", DemoFeeds.vehiclePositions(trips, at).toByteArray(), "\"vp-" + at + "\"");
        agency.serve("/tu.pb", DemoFeeds.tripUpdates(trips, at).toByteArray(), "\"tu-" + at + "\"");
    }

    private void poll(String feedId) {
        var feed = new LiveFeedProperties.Feed(feedId, agency.url("/vp.pb"), agency.url("/tu.pb"), null, POLL);
        running.add(poller.loop(feed, "instance-a", state).run().subscribe());
    }

    /** A bus of the simulation well between two stops, and a stop three calls ahead of it: what the test watches. */
    private record Watch(Timetables.Trip trip, LocalDate day, int vehicleNext, int myIndex, int delay) {}

    private static Watch pick(Timetables.Timetable t, Instant now) {
        for (SimulatedTimetable.SimTrip s : DemoTimetable.tripsBetween(t, now, now)) {
            Timetables.Trip trip = t.trips().get(s.plan().tripId());
            int delay = DemoFeeds.delaySeconds(trip.tripId(), now);
            // Where the raw timetable puts the bus: its delayed clock between departing stop k-1 and reaching k.
            Instant shifted = now.minusSeconds(delay);
            for (int k = 1; k < trip.stopIds().length; k++) {
                Instant arrPrev = ServiceDays.instant(s.serviceDate(), trip.arrivals()[k - 1], t.zone());
                Instant dep = ServiceDays.instant(s.serviceDate(), trip.departures()[k - 1], t.zone());
                Instant arr = ServiceDays.instant(s.serviceDate(), trip.arrivals()[k], t.zone());
                int next;
                if (shifted.isAfter(dep.plusSeconds(10)) && shifted.isBefore(arr.minusSeconds(10))) {
                    next = k; // on the way from k-1 to k
                } else if (k > 1 && shifted.isAfter(arrPrev.plusSeconds(2)) && shifted.isBefore(dep.minusSeconds(2))) {
                    next = k - 1; // standing at k-1: that stop is still next
                } else {
                    continue;
                }
                // My stop: 3+ calls ahead, due a minute from now or later, called at once by this trip.
                for (int j = next + 3; j < trip.stopIds().length; j++) {
                    Instant due = ServiceDays.instant(s.serviceDate(), trip.arrivals()[j], t.zone());
                    String stop = trip.stopIds()[j];
                    if (due.isAfter(now.plusSeconds(60)) && due.isBefore(now.plusSeconds(30 * 60))
                            && java.util.Arrays.stream(trip.stopIds()).filter(stop::equals).count() == 1) {
                        return new Watch(trip, s.serviceDate(), next, j, delay);
                    }
                }
                break;
            }
        }
        int running = DemoTimetable.tripsBetween(t, now, now).size();
        throw new IllegalStateException("no demo bus between stops right now: " + now + ", " + running
                + " trips running of " + t.trips().size());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> rowOf(Map<String, Object> board, String tripId) {
        return ((List<Map<String, Object>>) board.get("arrivals")).stream()
                .filter(r -> tripId.equals(r.get("tripId")))
                .findFirst()
                .orElse(null);
    }

    private Map<String, Object> board(String stopId) {
        return web.get().uri("/api/v1/transit/stops/{id}/arrivals?minutesBefore=5&minutesAfter=60", stopId)
                .exchange()
                .expectStatus().isOk()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
                .returnResult()
                .getResponseBody();
    }

    @Test
    void showsASimulatedBusWithStopsAwayMetresAndPredictedTime() {
        String feedId = "arr-" + UUID.randomUUID().toString().substring(0, 8);
        Timetables.Timetable t = importCity(feedId);
        Instant now = morningInTheDemoCity();
        serveSimulation(t, now);
        Watch w = pick(t, now);
        poll(feedId);
        String stopId = feedId + ":" + w.trip().stopIds()[w.myIndex()];
        String tripId = feedId + ":" + w.trip().tripId();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, Object> row = rowOf(board(stopId), tripId);
            assertThat(row).isNotNull();
            assertThat(row.get("vehicleId")).isEqualTo("demo-bus-" + w.trip().tripId());
        });
        Map<String, Object> board = board(stopId);
        Map<String, Object> row = rowOf(board, tripId);
        Instant scheduled = ServiceDays.instant(w.day(), w.trip().arrivals()[w.myIndex()], t.zone());
        assertThat(OffsetDateTime.parse((String) row.get("scheduledArrival")).toInstant()).isEqualTo(scheduled);
        assertThat(row.get("status")).isEqualTo("PREDICTED");
        assertThat(row.get("delaySeconds")).isEqualTo(w.delay());
        assertThat(OffsetDateTime.parse((String) row.get("predictedArrival")).toInstant())
                .isEqualTo(scheduled.plusSeconds(w.delay()));
        assertThat(row.get("numberOfStopsAway")).isEqualTo(w.myIndex() - w.vehicleNext());
        // The bus lies between its previous and next stop: its distance to my stop is between theirs.
        double metres = ((Number) row.get("distanceFromStopMeters")).doubleValue();
        double[] d = w.trip().distances();
        assertThat(metres).isBetween(d[w.myIndex()] - d[w.vehicleNext()] - 25, d[w.myIndex()] - d[w.vehicleNext() - 1] + 25);
        assertThat(row.get("serviceDate")).isEqualTo(w.day().toString());
        assertThat(row.get("routeId")).isEqualTo(feedId + ":" + w.trip().routeId());
        assertThat(row.get("routeShortName")).isNotNull();
        assertThat(row.get("vehicleLastUpdated")).isNotNull();
        assertThat(board.get("dataAgeSeconds")).isNotNull();
        assertThat(((Map<String, Object>) board.get("stop")).get("id")).isEqualTo(stopId);
        assertArrivalsSorted(board);

        // Other modules (dashboard, watches) see the same live prediction through the public StopBoards face.
        StopBoards.UpcomingArrival shared = stopBoards.nextArrivals(stopId, 50).block(Duration.ofSeconds(30)).stream()
                .filter(a -> a.tripId().equals(tripId)).findFirst().orElseThrow();
        assertThat(shared.status()).isEqualTo(StopBoards.ArrivalStatus.PREDICTED);
        assertThat(shared.numberOfStopsAway()).isEqualTo(w.myIndex() - w.vehicleNext());
        assertThat(shared.predictedArrival().toInstant()).isEqualTo(scheduled.plusSeconds(w.delay()));

        // The vehicles endpoint places the same bus on its trip.
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> vehicles = (List<Map<String, Object>>) web.get()
                .uri("/api/v1/transit/routes/{r}/vehicles", feedId + ":" + w.trip().routeId())
                .exchange()
                .expectStatus().isOk()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
                .returnResult()
                .getResponseBody()
                .get("items");
        Map<String, Object> bus = vehicles.stream()
                .filter(v -> feedId.equals(v.get("feedId")) && ("demo-bus-" + w.trip().tripId()).equals(v.get("vehicleId")))
                .findFirst()
                .orElseThrow();
        assertThat(bus.get("nextStopId")).isEqualTo(feedId + ":" + w.trip().stopIds()[w.vehicleNext()]);
        assertThat(((Number) bus.get("distanceAlongTripMeters")).doubleValue())
                .isBetween(d[w.vehicleNext() - 1] - 25, d[w.vehicleNext()] + 25);
    }

    @SuppressWarnings("unchecked")
    private static void assertArrivalsSorted(Map<String, Object> board) {
        List<Instant> best = ((List<Map<String, Object>>) board.get("arrivals")).stream()
                .map(r -> OffsetDateTime.parse((String) (r.get("predictedArrival") != null ? r.get("predictedArrival")
                        : r.get("scheduledArrival"))).toInstant())
                .toList();
        assertThat(best).isSorted();
    }

    @Test
    void staleVehiclesAndUpdatesRevertToTheSchedule() {
        String feedId = "arr-" + UUID.randomUUID().toString().substring(0, 8);
        Timetables.Timetable t = importCity(feedId);
        Instant now = morningInTheDemoCity();
        // Published six minutes ago and never again: older than vehicle-max-age (5 min).
        Instant old = now.minus(properties.realtime().vehicleMaxAge()).minusSeconds(60);
        serveSimulation(t, old);
        Watch w = pick(t, now);
        poll(feedId);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> state.peek(feedId, FeedKind.TRIP_UPDATES).isPresent()
                        && state.peek(feedId, FeedKind.VEHICLE_POSITIONS).isPresent());
        String stopId = feedId + ":" + w.trip().stopIds()[w.myIndex()];
        Map<String, Object> board = board(stopId);
        Map<String, Object> row = rowOf(board, feedId + ":" + w.trip().tripId());
        assertThat(row).isNotNull();
        assertThat(row.get("status")).isEqualTo("SCHEDULED");
        assertThat(row).doesNotContainKeys("vehicleId", "predictedArrival", "numberOfStopsAway");
        assertThat(((Number) board.get("dataAgeSeconds")).longValue()).isGreaterThanOrEqualTo(360);
    }

    @Test
    void unknownStopIs404AndBadWindowIs400() {
        web.get().uri("/api/v1/transit/stops/{id}/arrivals", "nofeed:nostop").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        web.get().uri("/api/v1/transit/stops/{id}/arrivals?minutesAfter=0", "demo:1").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("INVALID_WINDOW");
        web.get().uri("/api/v1/transit/stops/{id}/arrivals?minutesBefore=abc", "demo:1").exchange()
                .expectStatus().isBadRequest();
        web.get().uri("/api/v1/transit/stops/{id}/arrivals/stream", "nofeed:nostop")
                .accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isNotFound();
    }

    /**
     * Instance B (its own live state and board service, fed only by Redis pub/sub) streams a stop's board; instance
     * A's poller ingests a newer simulation: B's subscriber gets the changed board.
     */
    @Test
    void aStreamOnAnotherInstanceReceivesUpdatesIngestedByTheFirst() {
        String feedId = "arr-" + UUID.randomUUID().toString().substring(0, 8);
        Timetables.Timetable t = importCity(feedId);
        Instant now = morningInTheDemoCity();
        Watch w = pick(t, now);
        String stopId = feedId + ":" + w.trip().stopIds()[w.myIndex()];
        String tripId = feedId + ":" + w.trip().tripId();

        LiveState b = new LiveState(redis, connections, json, clock, properties);
        b.start();
        try {
            ArrivalController onB = new ArrivalController(new ArrivalBoards(timetables, b, clock, properties, json), b);
            WebTestClient clientOfB = WebTestClient.bindToController(onB).configureClient()
                    .responseTimeout(Duration.ofSeconds(60)).build();
            var events = clientOfB.get().uri("/api/v1/transit/stops/{id}/arrivals/stream", stopId)
                    .accept(MediaType.TEXT_EVENT_STREAM)
                    .exchange()
                    .expectStatus().isOk()
                    .returnResult(EVENT)
                    .getResponseBody()
                    .filter(e -> "arrivals".equals(e.event()));
            StepVerifier.create(events)
                    // On connect, nothing live yet: the schedule.
                    .assertNext(e -> assertThat(rowOf(e.data(), tripId)).containsEntry("status", "SCHEDULED"))
                    .then(() -> {
                        serveSimulation(t, clock.instant());
                        poll(feedId);
                    })
                    // Vehicle positions and trip updates are announced one after the other: boards in between.
                    .thenConsumeWhile(e -> !"PREDICTED".equals(rowOf(e.data(), tripId).get("status"))
                            || rowOf(e.data(), tripId).get("vehicleId") == null)
                    .assertNext(e -> assertThat(rowOf(e.data(), tripId))
                            .containsEntry("vehicleId", "demo-bus-" + w.trip().tripId())
                            .containsEntry("status", "PREDICTED"))
                    .thenCancel()
                    .verify(Duration.ofSeconds(60));
        } finally {
            b.stop();
        }
    }
}
