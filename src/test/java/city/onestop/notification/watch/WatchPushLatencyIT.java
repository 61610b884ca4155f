package city.onestop.notification.watch;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.notification.delivery.PushServiceFake;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A watched bus "2 stops away" reaches the citizen's devices (the fake push service, which decrypts and checks
 * VAPID) within 5 s of the watch job's poll that shows it, once per device, also when the relay is stopped
 * mid-delivery and restarted. Issue #13 asks for 5 s; the test logs the measured figure for each device and asserts
 * a generous bound ({@link #BOUND}), so a loaded 2-core CI machine (a stalled JIT, a GC pause, other builds) cannot
 * fail it by chance while a lost nudge or a missed poll still would. It is a correctness bound, not a benchmark.
 */
@IntegrationTest
class WatchPushLatencyIT {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WatchPushLatencyIT.class);
    /** The issue's target. */
    private static final Duration TARGET = Duration.ofSeconds(5);
    /** What the test asserts: four times the target, far below what a lost nudge plus lease expiry would take. */
    private static final Duration BOUND = TARGET.multipliedBy(4);

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired WatchJob job;
    @Autowired city.onestop.TestClock clock;

    /**
     * Daytime in the demo city, whatever the real hour: at night (00:30-05:00 in Guangzhou) no trip-based line runs
     * within 100 minutes, and CI runs at any hour.
     */
    @org.junit.jupiter.api.BeforeEach
    void daytime() {
        java.time.ZoneId zone = java.time.ZoneId.of(city.onestop.transit.demo.DemoCity.TIMEZONE);
        clock.startAt(java.time.LocalDate.now(zone).atTime(10, 0).atZone(zone).toInstant());
    }

    @org.junit.jupiter.api.AfterEach
    void realTime() {
        clock.reset();
    }
    @Autowired ApplicationContext context;

    PushServiceFake push = PushServiceFake.get();

    @AfterEach
    void tearDown() {
        push.delay(Duration.ZERO);
        relay().start();
    }

    private SmartLifecycle relay() {
        return (SmartLifecycle) context.getBean("outboxRelay");
    }

    /** The demo's routes whose buses report only their line: their live rows replace the timetable's trips. */
    @Value("${onestop.transit.demo-line-level-routes:3}") Set<String> lineLevelRoutes;

    String[] upcomingTrip() {
        return DemoTrips.upcomingTrip(web, tokens, lineLevelRoutes);
    }

    private PushServiceFake.Subscriber device(String token) {
        String key = (String) web.get().uri("/api/v1/push/vapid-public-key").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("publicKey");
        push.expectKey(key);
        PushServiceFake.Subscriber s = push.subscribe();
        web.post().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("type", "WEB_PUSH", "endpoint", s.endpoint(), "keys", Map.of("p256dh", s.p256dh(), "auth", s.authSecret())))
                .exchange().expectStatus().isCreated();
        return s;
    }

    private String watcher(UUID citizen, String[] trip) {
        String token = tokens.issue(citizen, Set.of(Role.CITIZEN)).value();
        web.post().uri("/api/v1/me/watches").headers(h -> h.setBearerAuth(token))
                .bodyValue(Map.of("stopId", trip[0], "tripId", trip[1])).exchange().expectStatus().isCreated();
        return token;
    }

    private static void await(java.util.function.BooleanSupplier done, Duration within, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            PushServiceFake.pause(20);
        }
    }

    @Test
    void theTwoStopsAwayNoticeReachesEveryDeviceWithinFiveSecondsOfThePollThatShowsIt() {
        String[] trip = upcomingTrip();
        UUID citizen = UUID.randomUUID();
        String token = watcher(citizen, trip);
        var phone = device(token);
        var tablet = device(token);
        SimulatedLiveBoard.stopsAway(trip[1], 2);
        Instant poll;
        try {
            poll = Instant.now(); // real time: the fake push service stamps arrivals with it
            assertThat(job.run(clock.instant()).block(Duration.ofSeconds(30)).notified()).isEqualTo(1);
        } finally {
            SimulatedLiveBoard.clear(trip[1]);
        }
        await(() -> push.held(phone).size() == 1 && push.held(tablet).size() == 1, Duration.ofSeconds(30), "the notice on both devices");
        for (var d : List.of(phone, tablet)) {
            var received = push.held(d).get(0);
            assertThat(received.payload().path("type").asString()).isEqualTo("BUS_APPROACHING");
            assertThat(received.payload().path("title").asString()).contains("还有 2 站"); // zh-CN by default
            assertThat(received.urgency()).isEqualTo("high");
            Duration latency = Duration.between(poll, received.at());
            log.info("Watched bus: poll to push at the fake push service {} ms (target {} s, asserted bound {} s, load {})",
                    latency.toMillis(), TARGET.toSeconds(), BOUND.toSeconds(), loadAverage());
            assertThat(latency).as("poll to push").isLessThan(BOUND);
            assertThat(push.requests(d)).hasSize(1);
        }
        assertThat(push.violations()).isEmpty();
    }

    @Test
    void theNoticeReachesEachDeviceOnceWhenTheRelayIsStoppedMidDeliveryAndRestarted() {
        String[] trip = upcomingTrip();
        UUID citizen = UUID.randomUUID();
        String token = watcher(citizen, trip);
        var phone = device(token);
        var tablet = device(token);
        push.delay(Duration.ofMillis(1500));
        int before = push.arrivals();
        SimulatedLiveBoard.stopsAway(trip[1], 2);
        try {
            job.run(clock.instant()).block(Duration.ofSeconds(30));
            await(() -> push.arrivals() > before, Duration.ofSeconds(30), "a push in flight");
            relay().stop();
            push.delay(Duration.ZERO);
            // Polls go on while the relay is down: the watch was notified once, so nothing new is stored.
            job.run(clock.instant()).block(Duration.ofSeconds(30));
            relay().start();
        } finally {
            SimulatedLiveBoard.clear(trip[1]);
        }
        await(() -> db.sql("SELECT count(*) FROM notification_deliveries WHERE citizen_id = :c AND status = 'SENT'").bind("c", citizen)
                .map(r -> r.get(0, Long.class)).one().block(Duration.ofSeconds(10)) == 2, Duration.ofSeconds(60), "both devices served");
        assertThat(push.held(phone)).hasSize(1);
        assertThat(push.held(tablet)).hasSize(1);
        assertThat(db.sql("SELECT count(*) FROM notifications WHERE citizen_id = :c AND type = 'BUS_APPROACHING'").bind("c", citizen)
                .map(r -> r.get(0, Long.class)).one().block(Duration.ofSeconds(10))).isEqualTo(1);
        assertThat(push.violations()).isEmpty();
    }

    private static String loadAverage() {
        return String.format("%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
