package city.onestop.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures;
import city.onestop.billing.ProviderFake;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.platform.AccessTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Web Push end to end, against {@link PushServiceFake} (a real HTTP server that verifies VAPID and decrypts). */
@IntegrationTest
class PushDeliveryIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired ProviderEndpoint endpoint;
    @Autowired Clock clock;
    @Autowired ApplicationContext context;

    DeliveryFixtures f;
    BillingFixtures billing;
    PushServiceFake push = PushServiceFake.get();

    @BeforeEach
    void setUp() {
        f = new DeliveryFixtures(web, tokens, clock);
        billing = new BillingFixtures(web, tokens, db, endpoint);
        ProviderFake.get().mode(ProviderFake.Mode.APPROVE);
    }

    @AfterEach
    void tearDown() {
        push.delay(Duration.ZERO);
        relay().start();
    }

    /** The outbox relay, by its lifecycle (its class is internal to platform). */
    private SmartLifecycle relay() {
        return (SmartLifecycle) context.getBean("outboxRelay");
    }

    private long count(String sql, UUID citizen) {
        return db.sql(sql).bind("c", citizen).map(r -> r.get(0, Long.class)).one().block(Duration.ofSeconds(30));
    }

    private Set<String> heldTypes(PushServiceFake.Subscriber s) {
        return push.held(s).stream().map(r -> r.payload().path("type").asString()).collect(Collectors.toSet());
    }

    @Test
    void aBookingAHospitalCancellationAndAPaymentReachEachDeviceOnceEvenWhenTheRelayStopsMidBatch() {
        var citizen = f.citizen();
        var phone = f.device(citizen);
        var laptop = f.device(citizen);
        push.delay(Duration.ofMillis(1500));
        int before = push.arrivals();

        var booked = f.book(citizen);
        f.suspend(booked);
        f.pay(citizen, f.billed(billing, citizen)); // the bill itself is news too: BILL_ISSUED
        // Stop the relay while the push service is still holding the first messages.
        DeliveryFixtures.await(() -> push.arrivals() > before, WAIT, "a first push in flight");
        relay().stop();
        long sentAtStop = count("SELECT count(*) FROM notification_deliveries WHERE citizen_id = :c AND status = 'SENT'", citizen.id());
        assertThat(sentAtStop).isLessThan(8);
        push.delay(Duration.ofMillis(200));
        relay().start();

        Set<String> expected = Set.of("APPOINTMENT_BOOKED", "APPOINTMENT_CANCELLED_BY_HOSPITAL", "BILL_ISSUED", "PAYMENT_SUCCEEDED");
        DeliveryFixtures.await(() -> heldTypes(phone).equals(expected) && heldTypes(laptop).equals(expected)
                && count("SELECT count(*) FROM notification_deliveries WHERE citizen_id = :c AND status = 'SENT'", citizen.id()) == 8,
                WAIT, "four notifications on both devices", () -> "phone " + heldTypes(phone) + ", laptop " + heldTypes(laptop) + ", "
                        + count("SELECT count(*) FROM notification_deliveries WHERE citizen_id = :c AND status = 'SENT'", citizen.id())
                        + " deliveries SENT, inbox " + inbox(citizen).stream().map(n -> n.get("type")).toList());
        assertThat(push.violations()).isEmpty();
        for (var device : List.of(phone, laptop)) {
            assertThat(push.held(device)).hasSize(4);
            // One message per notification per device: each topic (the notification id) once.
            assertThat(push.held(device).stream().map(PushServiceFake.Received::topic).distinct()).hasSize(4);
        }
        // What the devices show is what the inbox has, in the citizen's language (zh-CN by default).
        var inbox = inbox(citizen);
        for (var received : push.held(phone)) {
            var stored = inbox.stream().filter(n -> n.get("id").toString().equals(received.payload().path("notificationId").asString()))
                    .findFirst().orElseThrow();
            assertThat(received.payload().path("title").asString()).isEqualTo(stored.get("title"));
            assertThat(received.payload().path("body").asString()).isEqualTo(stored.get("body"));
            assertThat(received.topic()).isEqualTo(stored.get("id").toString().replace("-", ""));
        }
        var cancelled = push.held(phone).stream().filter(r -> r.payload().path("type").asString().equals("APPOINTMENT_CANCELLED_BY_HOSPITAL"))
                .findFirst().orElseThrow();
        assertThat(cancelled.urgency()).isEqualTo("high");
        assertThat(cancelled.payload().path("body").asString()).contains("医生临时手术").contains("停诊");
        assertThat(count("SELECT count(*) FROM notifications WHERE citizen_id = :c", citizen.id())).isEqualTo(4);
    }

    @Test
    void dropsADeviceItsPushServiceNoLongerKnows() {
        var citizen = f.citizen();
        UUID bill = f.billed(billing, citizen);
        f.settled(db, citizen, 1);
        var gone = f.device(citizen);
        var kept = f.device(citizen);
        push.answer(gone, 410);
        f.pay(citizen, bill);
        DeliveryFixtures.await(() -> push.held(kept).size() == 1
                && count("SELECT count(*) FROM notification_devices WHERE citizen_id = :c", citizen.id()) == 1, WAIT, "the gone device dropped");
        assertThat(push.held(gone)).isEmpty();
        assertThat(count("SELECT count(*) FROM notification_deliveries WHERE citizen_id = :c AND status = 'GONE'", citizen.id())).isEqualTo(1);
        web.get().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(citizen.token())).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(1).jsonPath("$.items[0].endpoint").isEqualTo(kept.endpoint());
    }

    @Test
    void retriesAPushServiceFailureWithBackoffThenDelivers() {
        var citizen = f.citizen();
        UUID bill = f.billed(billing, citizen);
        f.settled(db, citizen, 1);
        var device = f.device(citizen);
        push.answer(device, 503, 500);
        f.pay(citizen, bill);
        DeliveryFixtures.await(() -> push.held(device).size() == 1, WAIT, "the payment notice after two failures");
        assertThat(push.posts(device)).isEqualTo(3);
        assertThat(push.requests(device)).hasSize(1);
        assertThat(push.violations()).isEmpty();
    }

    @Test
    void quietHoursHoldBackAllButUrgentNotificationsAndChannelsFollowThePreferences() {
        var citizen = f.citizen();
        var device = f.device(citizen);
        var now = clock.instant().atZone(ZoneId.of("Asia/Shanghai"));
        DateTimeFormatter hm = DateTimeFormatter.ofPattern("HH:mm");
        web.put().uri("/api/v1/me/notification-preferences").headers(h -> h.setBearerAuth(citizen.token()))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("channels", Map.of("PAYMENT_REFUNDED", List.of("IN_APP")),
                        "quietHours", Map.of("start", now.minusHours(1).format(hm), "end", now.plusHours(1).format(hm)),
                        "timeZone", "Asia/Shanghai", "smsDailyCap", 2))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.channels.PAYMENT_REFUNDED[0]").isEqualTo("IN_APP")
                .jsonPath("$.channels.PAYMENT_SUCCEEDED").isEqualTo(List.of("IN_APP", "WEB_PUSH"))
                .jsonPath("$.quietHours.start").isEqualTo(now.minusHours(1).format(hm))
                .jsonPath("$.smsDailyCap").isEqualTo(2);

        var booked = f.book(citizen); // not urgent: held back
        f.suspend(booked); // urgent: goes
        DeliveryFixtures.await(() -> push.held(device).size() == 1 && count("SELECT count(*) FROM notification_deliveries "
                + "WHERE citizen_id = :c AND status = 'SKIPPED'", citizen.id()) == 1, WAIT, "the cancellation pushed, the booking held back");
        assertThat(heldTypes(device)).containsExactly("APPOINTMENT_CANCELLED_BY_HOSPITAL");
        assertThat(count("SELECT count(*) FROM notifications WHERE citizen_id = :c", citizen.id())).isEqualTo(2); // the inbox has both
    }

    @Test
    void devicesAreValidatedListedAndDeleted() {
        var citizen = f.citizen();
        String token = citizen.token();
        var s = push.subscribe();
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("type", "WEB_PUSH", "endpoint", "http://push.example.com/x", "keys", Map.of("p256dh", s.p256dh(), "auth", s.authSecret())),
                Map.of("type", "WEB_PUSH", "endpoint", "https://push.example.com/x", "keys", Map.of("p256dh", "AAAA", "auth", s.authSecret())),
                Map.of("type", "WEB_PUSH", "endpoint", "https://push.example.com/x", "keys", Map.of("p256dh", s.p256dh(), "auth", "!!")))) {
            web.post().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON).bodyValue(bad)
                    .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("INVALID_DEVICE");
        }
        web.post().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("type", "SMOKE_SIGNAL", "endpoint", s.endpoint(), "keys", Map.of("p256dh", s.p256dh(), "auth", s.authSecret())))
                .exchange().expectStatus().isBadRequest();
        Map<?, ?> created = web.post().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("type", "WEB_PUSH", "endpoint", s.endpoint(), "keys", Map.of("p256dh", s.p256dh(), "auth", s.authSecret())))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        String other = f.citizen().token();
        web.delete().uri("/api/v1/me/devices/{id}", created.get("id")).headers(h -> h.setBearerAuth(other)).exchange().expectStatus().isNotFound();
        web.delete().uri("/api/v1/me/devices/{id}", created.get("id")).headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isNoContent();
        web.delete().uri("/api/v1/me/devices/{id}", created.get("id")).headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isNotFound();
        web.post().uri("/api/v1/me/devices").contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange().expectStatus().isUnauthorized();
        web.get().uri("/api/v1/push/vapid-public-key").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.publicKey").value(k -> assertThat(java.util.Base64.getUrlDecoder().decode((String) k)).hasSize(65));
        web.put().uri("/api/v1/me/notification-preferences").headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("quietHours", Map.of("start", "25:00", "end", "07:00"))).exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("INVALID_PREFERENCES");
        web.put().uri("/api/v1/me/notification-preferences").headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("channels", Map.of("BILL_ISSUED", List.of("CARRIER_PIGEON")))).exchange().expectStatus().isBadRequest();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> inbox(BillingFixtures.Citizen c) {
        return (List<Map<String, Object>>) web.get().uri("/api/v1/me/notifications?limit=100").headers(h -> h.setBearerAuth(c.token()))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("items");
    }
}
