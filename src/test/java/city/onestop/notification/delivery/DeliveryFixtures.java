package city.onestop.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.billing.BillingFixtures;
import city.onestop.billing.Utility;
import city.onestop.citizen.TestCitizens;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** What the delivery tests need: real citizens, devices at the fake push service, and the four kinds of event. */
final class DeliveryFixtures {

    private final WebTestClient web;
    private final AccessTokens tokens;
    private final Clock clock;

    DeliveryFixtures(WebTestClient web, AccessTokens tokens, Clock clock) {
        this.web = web;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** A registered citizen (a row in citizen, so language and phone are known) and their access token. */
    BillingFixtures.Citizen citizen() {
        var r = TestCitizens.register(web);
        UUID id = UUID.fromString(r.id());
        return new BillingFixtures.Citizen(id, tokens.issue(id, Set.of(Role.CITIZEN)).value());
    }

    PushServiceFake.Subscriber device(BillingFixtures.Citizen c) {
        String key = (String) web.get().uri("/api/v1/push/vapid-public-key").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("publicKey");
        PushServiceFake.get().expectKey(key);
        PushServiceFake.Subscriber s = PushServiceFake.get().subscribe();
        web.post().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(c.token())).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("type", "WEB_PUSH", "endpoint", s.endpoint(), "keys", Map.of("p256dh", s.p256dh(), "auth", s.authSecret())))
                .exchange().expectStatus().isCreated();
        return s;
    }

    record Booked(UUID appointmentId, UUID scheduleId, String staffToken) {}

    /** A new hospital, department, doctor and session two days ahead; the citizen books its first slot. */
    Booked book(BillingFixtures.Citizen c) {
        String admin = tokens.issue(UUID.randomUUID(), Set.of(Role.ADMIN)).value();
        Map<?, ?> hospital = web.post().uri("/api/v1/admin/booking/hospitals").headers(h -> h.setBearerAuth(admin))
                .bodyValue(Map.of("name", "推送测试医院 " + UUID.randomUUID(), "address", "天河路 1 号", "lat", 23.13, "lon", 113.32,
                        "level", "TERTIARY_A"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        UUID hospitalId = UUID.fromString((String) hospital.get("id"));
        UUID staffId = UUID.randomUUID();
        web.put().uri("/api/v1/admin/booking/hospitals/{h}/staff/{c}", hospitalId, staffId).headers(h -> h.setBearerAuth(admin))
                .exchange().expectStatus().isNoContent();
        String staff = tokens.issue(staffId, Set.of(Role.CITIZEN, Role.HOSPITAL_STAFF)).value();
        UUID department = id(web.post().uri("/api/v1/booking/staff/departments").headers(x -> x.setBearerAuth(staff))
                .bodyValue(Map.of("name", "心内科 " + UUID.randomUUID())).exchange().expectStatus().isCreated().expectBody(Map.class)
                .returnResult().getResponseBody());
        UUID doctor = id(web.post().uri("/api/v1/booking/staff/doctors").headers(x -> x.setBearerAuth(staff))
                .bodyValue(Map.of("departmentId", department, "name", "李医生 " + UUID.randomUUID(), "title", "主治医师",
                        "registrationFee", Map.of("amount", "25.00", "currency", "CNY")))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody());
        LocalDate date = LocalDate.now(clock.withZone(ZoneId.of("Asia/Shanghai"))).plusDays(2);
        Map<?, ?> session = web.post().uri("/api/v1/booking/staff/schedules").headers(x -> x.setBearerAuth(staff))
                .bodyValue(Map.of("doctorId", doctor, "date", date.toString(), "period", "MORNING", "slotCount", 2, "capacityPerSlot", 1))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        String slotId = (String) ((Map<?, ?>) ((List<?>) session.get("slots")).get(0)).get("slotId");
        UUID appointment = id(web.post().uri("/api/v1/booking/appointments").headers(x -> x.setBearerAuth(c.token()))
                .header("Idempotency-Key", UUID.randomUUID().toString()).bodyValue(Map.of("slotId", slotId))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody());
        return new Booked(appointment, UUID.fromString((String) session.get("scheduleId")), staff);
    }

    void suspend(Booked b) {
        web.post().uri("/api/v1/booking/staff/schedules/{id}/suspend", b.scheduleId()).headers(x -> x.setBearerAuth(b.staffToken()))
                .bodyValue(Map.of("reason", "医生临时手术")).exchange().expectStatus().isOk();
    }

    /**
     * A water bill on an account the citizen linked first, so the bill itself is news to them (a BILL_ISSUED
     * notification: {@code BillIssued} names the citizens linked when the bill is written, and
     * {@link BillingFixtures#billedAccount} bills before it links).
     */
    UUID billed(BillingFixtures billing, BillingFixtures.Citizen c) {
        String number = BillingFixtures.accountNumber();
        billing.createAccount(Utility.WATER, number, 3);
        UUID accountId = billing.link(c, Utility.WATER, number);
        billing.reading(Utility.WATER, number, BillingFixtures.PERIOD, "8", "WORKING");
        billing.generate(BillingFixtures.PERIOD, Utility.WATER);
        List<?> items = (List<?>) web.get().uri("/api/v1/billing/bills?accountId={a}", accountId).headers(h -> h.setBearerAuth(c.token()))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("items");
        assertThat(items).hasSize(1);
        return UUID.fromString(((Map<?, ?>) items.get(0)).get("id").toString());
    }

    void pay(BillingFixtures.Citizen c, UUID billId) {
        web.post().uri("/api/v1/billing/bills/{b}/payments", billId).headers(h -> h.setBearerAuth(c.token()))
                .contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", UUID.randomUUID().toString()).bodyValue("{}")
                .exchange().expectStatus().isCreated();
    }

    /** Waits until every notification of the citizen so far went through delivery (so later devices see only new ones). */
    void settled(DatabaseClient db, BillingFixtures.Citizen c, int notifications) {
        await(() -> count(db, "SELECT count(*) FROM notifications WHERE citizen_id = CAST(:c AS uuid)", c) == notifications
                && count(db, "SELECT count(*) FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_id "
                        + "WHERE e.type = 'NotificationStored' AND e.payload->>'citizenId' = :c AND d.status <> 'DONE'", c) == 0,
                Duration.ofSeconds(60), notifications + " notification(s) of the citizen stored and delivered",
                () -> count(db, "SELECT count(*) FROM notifications WHERE citizen_id = CAST(:c AS uuid)", c) + " stored");
    }

    private static long count(DatabaseClient db, String sql, BillingFixtures.Citizen c) {
        return db.sql(sql).bind("c", c.id().toString()).map(r -> r.get(0, Long.class)).one().block(Duration.ofSeconds(30));
    }

    private static UUID id(Map<?, ?> body) {
        return UUID.fromString((String) body.get("id"));
    }

    static void await(BooleanSupplier condition, Duration within, String what) {
        await(condition, within, what, () -> "");
    }

    /** Polls until the condition holds; past the bound, fails naming what it waited for and the state seen last. */
    static void await(BooleanSupplier condition, Duration within, String what, Supplier<?> state) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Waited " + within.toSeconds() + " s for " + what + "; last seen: " + state.get());
            }
            PushServiceFake.pause(50);
        }
    }
}
