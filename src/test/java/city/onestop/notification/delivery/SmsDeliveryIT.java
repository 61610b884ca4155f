package city.onestop.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures;
import city.onestop.citizen.TestCitizens;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import city.onestop.platform.sms.SmsFake;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The SMS channel end to end, through the real HTTP client to the fake SMS provider (a MockWebServer speaking
 * docs/sms.md): the phone comes from the citizen's profile, texts only for the types the citizen chose, at most the
 * daily cap, none in quiet hours except urgent ones, and one text per notification. Each test waits until every SMS
 * delivery it caused is final, so nothing it started reaches the provider during a later test.
 */
@IntegrationTest
class SmsDeliveryIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired Clock clock;

    SmsFake sms = SmsFake.get();

    record Texted(BillingFixtures.Citizen citizen, String phone) {}

    @AfterEach
    void tearDown() {
        sms.mode(SmsFake.Mode.ACCEPT);
    }

    private Texted citizen() {
        var r = TestCitizens.register(web);
        UUID id = UUID.fromString(r.id());
        return new Texted(new BillingFixtures.Citizen(id, tokens.issue(id, Set.of(Role.CITIZEN)).value()), "+86" + r.phone());
    }

    private void prefer(Texted t, Map<String, Object> preferences) {
        web.put().uri("/api/v1/me/notification-preferences").headers(h -> h.setBearerAuth(t.citizen().token()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(preferences).exchange().expectStatus().isOk();
    }

    private long count(String sql, UUID citizen) {
        return db.sql(sql).bind("c", citizen).map(r -> r.get(0, Long.class)).one().block(Duration.ofSeconds(30));
    }

    private long sms(Texted t, String status) {
        return db.sql("SELECT count(*) FROM notification_deliveries WHERE citizen_id = :c AND channel = 'SMS' AND status = :s")
                .bind("c", t.citizen().id()).bind("s", status).map(r -> r.get(0, Long.class)).one().block(Duration.ofSeconds(30));
    }

    /** Until the citizen has {@code n} notifications and every delivery of them is done (nothing left for the relay). */
    private void settled(Texted t, int n) {
        new DeliveryFixtures(web, tokens, clock).settled(db, t.citizen(), n);
    }

    @Test
    void textsTheChosenTypesToThePhoneOnTheProfileOncePerNotification() {
        var t = citizen();
        prefer(t, Map.of("channels", Map.of("APPOINTMENT_CANCELLED_BY_HOSPITAL", List.of("IN_APP", "SMS"))));
        var f = new DeliveryFixtures(web, tokens, clock);
        var booked = f.book(t.citizen()); // APPOINTMENT_BOOKED: inbox and push only (SMS is opt-in)
        f.suspend(booked);
        settled(t, 2);

        assertThat(sms.messagesTo(t.phone())).singleElement().satisfies(m -> {
            assertThat(m.text()).startsWith("【OneStop】医院停诊，预约已取消：").contains("医生临时手术");
            assertThat(m.idempotencyKey()).startsWith("notification:");
        });
        assertThat(sms(t, "SENT")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM notification_deliveries WHERE citizen_id = :c AND channel = 'SMS'", t.citizen().id()))
                .isEqualTo(1);
    }

    @Test
    void stopsTextingAtTheDailyCap() {
        var t = citizen();
        prefer(t, Map.of("channels", Map.of("APPOINTMENT_BOOKED", List.of("SMS"), "APPOINTMENT_CANCELLED_BY_HOSPITAL", List.of("SMS")),
                "smsDailyCap", 1));
        var f = new DeliveryFixtures(web, tokens, clock);
        f.book(t.citizen());
        settled(t, 1);
        assertThat(sms.messagesTo(t.phone())).hasSize(1);

        var second = f.book(t.citizen());
        f.suspend(second); // urgent, but the cap still holds
        settled(t, 3);
        assertThat(sms.messagesTo(t.phone())).hasSize(1);
        assertThat(sms(t, "SENT")).isEqualTo(1);
        assertThat(sms(t, "SKIPPED")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM notification_deliveries WHERE citizen_id = :c AND channel = 'SMS' "
                + "AND detail = 'daily SMS cap reached'", t.citizen().id())).isEqualTo(2);
    }

    @Test
    void quietHoursHoldBackTextsButNotUrgentOnes() {
        var t = citizen();
        var now = clock.instant().atZone(ZoneId.of("Asia/Shanghai"));
        DateTimeFormatter hm = DateTimeFormatter.ofPattern("HH:mm");
        // A window around the test clock's "now", whatever the time of day (a window may span midnight).
        prefer(t, Map.of("channels", Map.of("APPOINTMENT_BOOKED", List.of("SMS"), "APPOINTMENT_CANCELLED_BY_HOSPITAL", List.of("SMS")),
                "quietHours", Map.of("start", now.minusHours(1).format(hm), "end", now.plusHours(1).format(hm)),
                "timeZone", "Asia/Shanghai"));
        var f = new DeliveryFixtures(web, tokens, clock);
        var booked = f.book(t.citizen());
        f.suspend(booked);
        settled(t, 2);
        assertThat(sms.messagesTo(t.phone())).singleElement().satisfies(m -> assertThat(m.text()).contains("停诊"));
        assertThat(count("SELECT count(*) FROM notification_deliveries WHERE citizen_id = :c AND channel = 'SMS' "
                + "AND status = 'SKIPPED' AND detail = 'quiet hours'", t.citizen().id())).isEqualTo(1);
    }

    @Test
    void aNumberTheProviderRefusesIsNotTriedAgain() {
        var t = citizen();
        prefer(t, Map.of("channels", Map.of("APPOINTMENT_BOOKED", List.of("SMS"))));
        int before = sms.requests();
        sms.mode(SmsFake.Mode.REJECT);
        new DeliveryFixtures(web, tokens, clock).book(t.citizen());
        settled(t, 1);
        assertThat(sms(t, "REJECTED")).isEqualTo(1);
        assertThat(sms.messagesTo(t.phone())).isEmpty();
        // One request: a refusal is final (neither the client nor the outbox retries it).
        assertThat(sms.requests() - before).isEqualTo(1);
    }

    @Test
    void textsInTheCitizensLanguage() {
        var t = citizen();
        web.put().uri("/api/v1/me/language").headers(h -> h.setBearerAuth(t.citizen().token())).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("language", "en")).exchange().expectStatus().isOk();
        prefer(t, Map.of("channels", Map.of("APPOINTMENT_BOOKED", List.of("SMS"))));
        new DeliveryFixtures(web, tokens, clock).book(t.citizen());
        settled(t, 1);
        assertThat(sms.messagesTo(t.phone())).singleElement().satisfies(m -> assertThat(m.text()).startsWith("[OneStop] "));
    }
}
