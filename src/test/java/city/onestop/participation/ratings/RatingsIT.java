package city.onestop.participation.ratings;

import static city.onestop.participation.ParticipationFixture.map;
import static city.onestop.participation.ParticipationFixture.problem;
import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures;
import city.onestop.billing.ProviderFake;
import city.onestop.billing.Utility;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.booking.BookingFixture;
import city.onestop.participation.ParticipationFixture;
import city.onestop.platform.AccessTokens;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** 好差评: one rating per finished thing, checked with its owner module; a poor one opens a follow-up case. */
@IntegrationTest
class RatingsIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired ProviderEndpoint endpoint;
    @Autowired Clock clock;

    ParticipationFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ParticipationFixture(web, tokens, db);
    }

    WebTestClient.ResponseSpec rate(ParticipationFixture.Person who, String kind, Object id, int score, String text) {
        Map<String, Object> body = new HashMap<>(Map.of("subject", Map.of("kind", kind, "id", id), "score", score));
        if (text != null) body.put("text", text);
        return web.post().uri("/api/v1/ratings").headers(h -> h.setBearerAuth(who.token())).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange();
    }

    /** A case about a new hospital, replied and confirmed: closed. */
    Object closedCase(ParticipationFixture.Person citizen, String hospitalId, ParticipationFixture.Person staff) {
        Object id = fx.submitOk(citizen, ParticipationFixture.complaint("HEALTHCARE", Map.of("kind", "HOSPITAL", "id", hospitalId))).get("id");
        fx.staffOk(staff, id, "accept", null);
        fx.staffOk(staff, id, "reply", Map.of("text", "Done"));
        map(fx.citizenAction(citizen, id, "confirm", null).expectStatus().isOk());
        return id;
    }

    String hospital() {
        return (String) map(web.post().uri("/api/v1/admin/booking/hospitals").headers(h -> h.setBearerAuth(fx.admin))
                .bodyValue(Map.of("name", "Rated Hospital " + UUID.randomUUID(), "address", "3 Test Road", "lat", 31.2, "lon", 121.4,
                        "level", "SECONDARY_A"))
                .exchange().expectStatus().isCreated()).get("id");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aClosedCaseIsRatedOnceAndAPoorRatingOpensAFollowUpForTheDepartment() {
        var citizen = fx.citizen();
        String hospitalId = hospital();
        Object first = fx.submitOk(citizen, ParticipationFixture.complaint("HEALTHCARE", Map.of("kind", "HOSPITAL", "id", hospitalId)))
                .get("id");
        var staff = fx.staff("HOSPITAL:" + hospitalId);
        problem(rate(citizen, "CASE", first, 5, null), HttpStatus.UNPROCESSABLE_CONTENT, "NOT_RATEABLE_YET");
        fx.staffOk(staff, first, "accept", null);
        fx.staffOk(staff, first, "reply", Map.of("text", "Done"));
        map(fx.citizenAction(citizen, first, "confirm", null).expectStatus().isOk());

        problem(rate(fx.citizen(), "CASE", first, 5, null), HttpStatus.UNPROCESSABLE_CONTENT, "SUBJECT_NOT_FOUND");
        Map<String, Object> good = map(rate(citizen, "CASE", first, 4, "快").expectStatus().isCreated());
        assertThat(good.get("followUpCaseId")).isNull();
        problem(rate(citizen, "CASE", first, 1, null), HttpStatus.CONFLICT, "ALREADY_RATED");

        Object second = closedCase(citizen, hospitalId, staff);
        Map<String, Object> poor = map(rate(citizen, "CASE", second, 2, "回复敷衍").expectStatus().isCreated());
        Object followUp = poor.get("followUpCaseId");
        assertThat(followUp).isNotNull();
        Map<String, Object> opened = fx.get(staff, followUp);
        assertThat(opened.get("status")).isEqualTo("SUBMITTED");
        assertThat(opened.get("text")).isEqualTo("回复敷衍");
        assertThat(opened.get("followUpOf")).isEqualTo(poor.get("id"));
        assertThat(opened.get("publicConsent")).isEqualTo(false);
        assertThat(((Map<String, Object>) opened.get("department")).get("code")).isEqualTo("HOSPITAL:" + hospitalId);
        assertThat(fx.count("SELECT count(*) FROM participation_ratings WHERE subject_id = :p0", UUID.fromString((String) second)))
                .isEqualTo(1);

        List<Map<String, Object>> figures = (List<Map<String, Object>>) map(web.get()
                .uri("/api/v1/public/ratings?departmentId={d}", fx.departmentId("HOSPITAL:" + hospitalId)).exchange().expectStatus().isOk())
                .get("items");
        assertThat(figures).hasSize(1);
        assertThat(figures.get(0).get("service")).isEqualTo("CASE");
        assertThat(figures.get(0).get("ratings")).isEqualTo(2);
        assertThat(figures.get(0).get("averageScore")).isEqualTo(3.0);
        assertThat(figures.get(0).get("counts")).isEqualTo(List.of(0, 1, 0, 1, 0));
    }

    @Test
    void aPaidBillIsRatedForItsUtilityAndAnUnknownAppointmentIsRefused() {
        BillingFixtures billing = new BillingFixtures(web, tokens, db, endpoint);
        ProviderFake.get().mode(ProviderFake.Mode.APPROVE);
        BillingFixtures.Citizen payer = billing.citizen();
        BillingFixtures.Billed bill = billing.billedAccount(payer, Utility.WATER, "10");
        Map<String, Object> payment = map(web.post().uri("/api/v1/billing/bills/{b}/payments", bill.billId())
                .headers(h -> h.setBearerAuth(payer.token())).header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange().expectStatus().isCreated());
        assertThat(payment.get("status")).isEqualTo("SUCCEEDED");
        var citizen = new ParticipationFixture.Person(payer.id(), payer.token());
        Map<String, Object> rating = map(rate(citizen, "PAYMENT", payment.get("id"), 1, null).expectStatus().isCreated());
        assertThat(rating.get("department")).isEqualTo("市自来水公司");
        Map<String, Object> followUp = fx.get(citizen, rating.get("followUpCaseId"));
        assertThat(followUp.get("category")).isEqualTo("WATER");
        assertThat(followUp.get("text")).isEqualTo("评分 1/5，未留言。Rated 1/5 without comment.");

        problem(rate(fx.citizen(), "PAYMENT", payment.get("id"), 5, null), HttpStatus.UNPROCESSABLE_CONTENT, "SUBJECT_NOT_FOUND");
        problem(rate(citizen, "APPOINTMENT", UUID.randomUUID(), 5, null), HttpStatus.UNPROCESSABLE_CONTENT, "SUBJECT_NOT_FOUND");
        problem(rate(citizen, "CASE", UUID.randomUUID(), 9, null), HttpStatus.BAD_REQUEST, "VALIDATION_FAILED");
    }

    @Test
    void aFulfilledAppointmentIsRatedForItsHospitalOnceAndNotBefore() {
        BookingFixture booking = new BookingFixture(web, tokens, db, clock);
        BookingFixture.Hospital h = booking.hospital();
        UUID slot = booking.session(h, 1, 1).slotIds().get(0);
        var patient = fx.citizen();
        UUID appointment = booking.bookOk(patient.token(), slot);

        // Booked but not yet seen: nothing to rate.
        problem(rate(patient, "APPOINTMENT", appointment, 4, null), HttpStatus.UNPROCESSABLE_CONTENT, "NOT_RATEABLE_YET");
        web.post().uri("/api/v1/booking/staff/appointments/{id}/check-in", appointment).headers(x -> x.setBearerAuth(h.staff()))
                .exchange().expectStatus().isOk();
        web.post().uri("/api/v1/booking/staff/appointments/{id}/fulfil", appointment).headers(x -> x.setBearerAuth(h.staff()))
                .exchange().expectStatus().isOk();

        // Someone else's visit is not theirs to rate.
        problem(rate(fx.citizen(), "APPOINTMENT", appointment, 5, null), HttpStatus.UNPROCESSABLE_CONTENT, "SUBJECT_NOT_FOUND");
        Map<String, Object> poor = map(rate(patient, "APPOINTMENT", appointment, 2, "候诊两小时").expectStatus().isCreated());
        problem(rate(patient, "APPOINTMENT", appointment, 5, null), HttpStatus.CONFLICT, "ALREADY_RATED");

        // The poor score opened a follow-up for the hospital's own department, which the module made on first use.
        Map<String, Object> followUp = fx.get(patient, poor.get("followUpCaseId"));
        assertThat(followUp.get("category")).isEqualTo("HEALTHCARE");
        assertThat(followUp.get("text")).isEqualTo("候诊两小时");
        @SuppressWarnings("unchecked")
        Map<String, Object> department = (Map<String, Object>) followUp.get("department");
        assertThat(department.get("code")).isEqualTo("HOSPITAL:" + h.id());
        assertThat(fx.count("SELECT count(*) FROM participation_ratings WHERE subject_id = :p0", appointment)).isEqualTo(1);
    }
}
