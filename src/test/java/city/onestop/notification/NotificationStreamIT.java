package city.onestop.notification;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures;
import city.onestop.billing.ProviderFake;
import city.onestop.billing.Utility;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.platform.AccessTokens;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;

@IntegrationTest
class NotificationStreamIT {

    private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> SSE = new ParameterizedTypeReference<>() {};

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired ProviderEndpoint endpoint;
    @Autowired ReactiveStringRedisTemplate redis;
    @LocalServerPort int port;

    BillingFixtures billing;

    @BeforeEach
    void setUp() {
        billing = new BillingFixtures(web, tokens, db, endpoint);
        ProviderFake.get().mode(ProviderFake.Mode.APPROVE);
    }

    /** An open stream whose events land in a queue; the caller disposes it. */
    record Stream(Disposable connection, BlockingQueue<ServerSentEvent<Map<String, Object>>> events) {

        ServerSentEvent<Map<String, Object>> next(Duration within) throws InterruptedException {
            ServerSentEvent<Map<String, Object>> e = events.poll(within.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(e).as("an event within " + within).isNotNull();
            return e;
        }

        /** The next notification event, skipping heartbeats. */
        ServerSentEvent<Map<String, Object>> nextNotification(Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (true) {
                var e = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (e.data() != null) return e;
            }
        }
    }

    Stream open(String token, String lastEventId) throws InterruptedException {
        BlockingQueue<ServerSentEvent<Map<String, Object>>> queue = new LinkedBlockingQueue<>();
        Disposable d = WebClient.create("http://localhost:" + port).get().uri("/api/v1/me/notifications/stream")
                .headers(h -> {
                    h.setBearerAuth(token);
                    if (lastEventId != null) h.set("Last-Event-ID", lastEventId);
                })
                .retrieve().bodyToFlux(SSE)
                .subscribe(queue::add);
        Stream s = new Stream(d, queue);
        assertThat(s.next(Duration.ofSeconds(20)).comment()).isEqualTo("connected");
        return s;
    }

    @Test
    void pushesAPaymentNotificationAndReplaysWhatWasMissedAfterAReconnect() throws Exception {
        var citizen = billing.citizen();
        var first = billing.billedAccount(citizen, Utility.WATER, "6");
        var second = billing.billedAccount(citizen, Utility.ELECTRICITY, "90");

        Stream live = open(citizen.token(), null);
        String lastId;
        try {
            NotificationEventsIT.pay(web, citizen, first.billId());
            var event = live.nextNotification(Duration.ofSeconds(10));
            assertThat(event.event()).isEqualTo("notification");
            assertThat(event.data()).containsEntry("type", "PAYMENT_SUCCEEDED");
            lastId = event.id();
        } finally {
            live.connection().dispose();
        }

        // While disconnected: a second payment.
        NotificationEventsIT.pay(web, citizen, second.billId());
        long stored = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (count(citizen.id()) < 2 && System.nanoTime() < stored) Thread.sleep(50);
        assertThat(count(citizen.id())).isEqualTo(2);

        Stream resumed = open(citizen.token(), lastId);
        try {
            var missed = resumed.nextNotification(Duration.ofSeconds(10));
            assertThat(missed.data()).containsEntry("type", "PAYMENT_SUCCEEDED");
            assertThat(Long.parseLong(missed.id())).isGreaterThan(Long.parseLong(lastId));
            String secondId = db.sql("SELECT id FROM notifications WHERE citizen_id = :c ORDER BY seq DESC LIMIT 1")
                    .bind("c", citizen.id()).map(r -> r.get(0, UUID.class).toString()).one().block(Duration.ofSeconds(10));
            assertThat(missed.data()).containsEntry("id", secondId);
        } finally {
            resumed.connection().dispose();
        }
    }

    @Test
    void deliversANotificationAnnouncedByAnotherInstanceThroughRedis() throws Exception {
        UUID citizen = UUID.randomUUID();
        String token = tokens.issue(citizen, java.util.Set.of(city.onestop.platform.Role.CITIZEN)).value();
        Stream live = open(token, null);
        try {
            // Another instance: writes the row, then announces the citizen on the channel. Nothing in this JVM's store ran.
            db.sql("INSERT INTO notifications (id, citizen_id, type, title, body, dedup_key, created_at) "
                            + "VALUES (:id, :c, 'TEST', 'From elsewhere', 'Hello', :k, :now)")
                    .bind("id", UUID.randomUUID()).bind("c", citizen).bind("k", "test:" + UUID.randomUUID())
                    .bind("now", OffsetDateTime.now()).then().block(Duration.ofSeconds(10));
            redis.convertAndSend(NotificationHub.CHANNEL, citizen.toString()).block(Duration.ofSeconds(5));
            // Well before the 15 s heartbeat re-check: it came through Redis.
            var event = live.nextNotification(Duration.ofSeconds(5));
            assertThat(event.data()).containsEntry("title", "From elsewhere");
        } finally {
            live.connection().dispose();
        }
    }

    @Test
    void refusesAnonymousAndMalformedLastEventId() {
        web.get().uri("/api/v1/me/notifications/stream").exchange().expectStatus().isUnauthorized();
        String token = tokens.issue(UUID.randomUUID(), java.util.Set.of(city.onestop.platform.Role.CITIZEN)).value();
        web.get().uri("/api/v1/me/notifications/stream").headers(h -> {
                    h.setBearerAuth(token);
                    h.set("Last-Event-ID", "abc");
                })
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("INVALID_LAST_EVENT_ID");
    }

    long count(UUID citizen) {
        return db.sql("SELECT count(*) FROM notifications WHERE citizen_id = :c").bind("c", citizen)
                .map(r -> r.get(0, Long.class)).one().block(Duration.ofSeconds(10));
    }
}
