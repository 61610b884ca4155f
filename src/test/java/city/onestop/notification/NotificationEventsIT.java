package city.onestop.notification;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures;
import city.onestop.billing.ProviderFake;
import city.onestop.billing.Utility;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.platform.AccessTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

@IntegrationTest
class NotificationEventsIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired ProviderEndpoint endpoint;
    @Autowired Clock clock;
    @Autowired ReminderJobs jobs;

    BillingFixtures billing;

    @BeforeEach
    void setUp() {
        billing = new BillingFixtures(web, tokens, db, endpoint);
        ProviderFake.get().mode(ProviderFake.Mode.APPROVE);
    }

    static Map<?, ?> pay(WebTestClient web, BillingFixtures.Citizen c, UUID billId) {
        return web.post().uri("/api/v1/billing/bills/{b}/payments", billId).headers(h -> h.setBearerAuth(c.token()))
                .contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", UUID.randomUUID().toString()).bodyValue("{}")
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    /** The citizen's notifications of a type; listeners store them just after the response, so this waits a little. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> waitFor(String token, String type, int atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<Map<String, Object>> items = ((List<Map<String, Object>>) web.get().uri("/api/v1/me/notifications?limit=100")
                    .headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isOk()
                    .expectBody(Map.class).returnResult().getResponseBody().get("items"))
                    .stream().filter(n -> type.equals(n.get("type"))).toList();
            if (items.size() >= atLeast || System.nanoTime() > deadline) return items;
            Flux.just(1).delayElements(Duration.ofMillis(100)).blockLast();
        }
    }

    long rows(UUID citizen, String type) {
        return db.sql("SELECT count(*) FROM notifications WHERE citizen_id = :c AND type = :t").bind("c", citizen).bind("t", type)
                .map(r -> r.get(0, Long.class)).one().block(Duration.ofSeconds(10));
    }

    @Test
    void tellsThePayerThatThePaymentSucceededAndWasRefunded() {
        var citizen = billing.citizen();
        var billed = billing.billedAccount(citizen, Utility.WATER, "7");
        Map<?, ?> payment = pay(web, citizen, billed.billId());
        assertThat(payment.get("status")).isEqualTo("SUCCEEDED");
        var paid = waitFor(citizen.token(), "PAYMENT_SUCCEEDED", 1);
        assertThat(paid).singleElement().satisfies(n -> assertThat((String) n.get("body"))
                .contains(((Map<?, ?>) payment.get("amount")).get("amount").toString())
                .contains(payment.get("receiptNumber").toString()));

        web.post().uri("/api/v1/billing/payments/{id}/refunds", payment.get("id")).headers(h -> h.setBearerAuth(billing.operatorToken))
                .bodyValue(Map.of("amount", Map.of("amount", "0.50", "currency", "CNY"), "reason", "test"))
                .exchange().expectStatus().isOk();
        assertThat(waitFor(citizen.token(), "PAYMENT_REFUNDED", 1)).singleElement()
                .satisfies(n -> assertThat((String) n.get("body")).contains("0.50 元")); // zh-CN, the default language
        assertThat(rows(citizen.id(), "PAYMENT_SUCCEEDED")).isEqualTo(1);
    }

    @Test
    void tellsLinkedCitizensOfANewBill() {
        var citizen = billing.citizen();
        String number = BillingFixtures.accountNumber();
        billing.createAccount(Utility.ELECTRICITY, number, 2);
        billing.link(citizen, Utility.ELECTRICITY, number);
        billing.reading(Utility.ELECTRICITY, number, BillingFixtures.PERIOD, "120", "WORKING");
        billing.generate(BillingFixtures.PERIOD, Utility.ELECTRICITY);
        assertThat(waitFor(citizen.token(), "BILL_ISSUED", 1)).singleElement()
                .satisfies(n -> assertThat((String) n.get("body")).contains(BillingFixtures.PERIOD));
        billing.generate(BillingFixtures.PERIOD, Utility.ELECTRICITY);
        assertThat(rows(citizen.id(), "BILL_ISSUED")).isEqualTo(1);
    }

    @Test
    void remindsOfABillDueSoonOnceEvenWhenTheJobRunsTwice() {
        var citizen = billing.citizen();
        var billed = billing.billedAccount(citizen, Utility.WATER, "9");
        LocalDate due = LocalDate.parse((String) web.get().uri("/api/v1/billing/bills/" + billed.billId())
                .headers(h -> h.setBearerAuth(citizen.token())).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("dueDate"));
        assertThat(jobs.remindBillsDue(due.minusDays(4)).block(Duration.ofSeconds(30)).ran()).isTrue();
        assertThat(rows(citizen.id(), "BILL_DUE_SOON")).isZero();

        var first = jobs.remindBillsDue(due.minusDays(2)).block(Duration.ofSeconds(30));
        var second = jobs.remindBillsDue(due.minusDays(2)).block(Duration.ofSeconds(30));
        assertThat(first.ran()).isTrue();
        assertThat(first.stored()).isGreaterThanOrEqualTo(1);
        assertThat(second.ran()).isTrue();
        assertThat(rows(citizen.id(), "BILL_DUE_SOON")).isEqualTo(1);
        // Concurrent runs (two instances): still one.
        Flux.range(0, 4).flatMap(i -> jobs.remindBillsDue(due.minusDays(1)), 4).collectList().block(Duration.ofSeconds(30));
        assertThat(rows(citizen.id(), "BILL_DUE_SOON")).isEqualTo(1);
    }

    @Test
    void confirmsABookingAndRemindsTheDayBeforeOnce() {
        var citizen = billing.citizen();
        UUID appointment = city.onestop.dashboard.DashboardFixtures.bookAppointment(web, tokens, clock, citizen.id(), citizen.token());
        assertThat(waitFor(citizen.token(), "APPOINTMENT_BOOKED", 1)).singleElement()
                .satisfies(n -> assertThat((String) n.get("body")).contains("成功预约"));

        OffsetDateTime start = db.sql("SELECT starts_at FROM appointments WHERE id = :id").bind("id", appointment)
                .map(r -> r.get(0, OffsetDateTime.class)).one().block(Duration.ofSeconds(10));
        assertThat(jobs.remindAppointments(start.minusHours(30).toInstant()).block(Duration.ofSeconds(30)).ran()).isTrue();
        assertThat(rows(citizen.id(), "APPOINTMENT_REMINDER")).isZero();
        jobs.remindAppointments(start.minusHours(20).toInstant()).block(Duration.ofSeconds(30));
        jobs.remindAppointments(start.minusHours(2).toInstant()).block(Duration.ofSeconds(30));
        assertThat(rows(citizen.id(), "APPOINTMENT_REMINDER")).isEqualTo(1);
    }

    @Test
    void aSecondInstanceSkipsTheJobWhileTheFirstHoldsItsLock() {
        // Hold the job's advisory lock in another transaction, as another instance would.
        var held = db.inConnection(c -> reactor.core.publisher.Mono.from(c.beginTransaction())
                        .then(reactor.core.publisher.Mono.from(c.createStatement("SELECT pg_advisory_xact_lock(" + ReminderJobs.BILL_DUE_LOCK + ")")
                                .execute()).flatMap(r -> reactor.core.publisher.Mono.from(r.getRowsUpdated())))
                        .then(jobs.remindBillsDue(LocalDate.now(clock)))
                        .flatMap(run -> reactor.core.publisher.Mono.from(c.rollbackTransaction()).thenReturn(run)))
                .block(Duration.ofSeconds(30));
        assertThat(held.ran()).isFalse();
    }
}
