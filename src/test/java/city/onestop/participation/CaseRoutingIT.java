package city.onestop.participation;

import static city.onestop.participation.ParticipationFixture.complaint;
import static city.onestop.participation.ParticipationFixture.map;
import static city.onestop.participation.ParticipationFixture.problem;
import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures;
import city.onestop.billing.Utility;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.platform.AccessTokens;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Filing a case: routing by subject and category, deadlines set, idempotency, validation, who may read it. */
@IntegrationTest
class CaseRoutingIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired ProviderEndpoint endpoint;

    ParticipationFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ParticipationFixture(web, tokens, db);
    }

    @Test
    @SuppressWarnings("unchecked")
    void routesAStopComplaintToTheTransitOperatorAndShowsItOnlyToItsSubmitterAndHandlers() {
        var citizen = fx.citizen();
        Map<String, Object> created = fx.submitOk(citizen, ParticipationFixture.stopComplaint());

        assertThat(created.get("status")).isEqualTo("SUBMITTED");
        assertThat(((Map<String, Object>) created.get("department")).get("code")).isEqualTo("TRANSIT");
        assertThat((String) created.get("reference")).matches("GZ\\d{8}\\d{6,}");
        assertThat(ParticipationFixture.timelineKinds(created)).containsExactly("SUBMITTED");
        assertThat(created.get("acknowledgeBy")).isNotNull();
        assertThat(created.get("replyBy")).isNotNull();
        assertThat(created.get("nextDeadline")).isEqualTo(created.get("acknowledgeBy"));

        String id = (String) created.get("id");
        assertThat(fx.get(citizen, id).get("title")).isEqualTo("站台候车亭破损");
        assertThat(fx.get(fx.staff("TRANSIT"), id).get("id")).isEqualTo(id);
        problem(web.get().uri("/api/v1/cases/{id}", id).headers(h -> h.setBearerAuth(fx.citizen().token())).exchange(),
                HttpStatus.NOT_FOUND, "CASE_NOT_FOUND");
        problem(web.get().uri("/api/v1/cases/{id}", id).headers(h -> h.setBearerAuth(fx.staff("WATER").token())).exchange(),
                HttpStatus.NOT_FOUND, "CASE_NOT_FOUND");

        List<Map<String, Object>> mine = (List<Map<String, Object>>) map(web.get().uri("/api/v1/me/cases")
                .headers(h -> h.setBearerAuth(citizen.token())).exchange().expectStatus().isOk()).get("items");
        assertThat(mine).extracting(m -> m.get("id")).containsExactly(id);
    }

    @Test
    @SuppressWarnings("unchecked")
    void routesByCategoryWhenNoSubjectIsNamed() {
        var citizen = fx.citizen();
        Map<String, String> expected = Map.of("WATER", "WATER", "ELECTRICITY", "POWER", "ENVIRONMENT", "CITY_OFFICE", "TRANSIT", "TRANSIT");
        expected.forEach((category, department) -> {
            Map<String, Object> created = fx.submitOk(citizen, complaint(category, null));
            assertThat(((Map<String, Object>) created.get("department")).get("code")).as(category).isEqualTo(department);
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void routesABillToItsUtilityAndAHospitalToItsOwnDepartment() {
        BillingFixtures billing = new BillingFixtures(web, tokens, db, endpoint);
        BillingFixtures.Citizen payer = billing.citizen();
        BillingFixtures.Billed bill = billing.billedAccount(payer, Utility.ELECTRICITY, "100");
        var citizen = new ParticipationFixture.Person(payer.id(), payer.token());
        Map<String, Object> aboutBill = fx.submitOk(citizen, complaint("OTHER", Map.of("kind", "BILL", "id", bill.billId().toString())));
        assertThat(((Map<String, Object>) aboutBill.get("department")).get("code")).isEqualTo("POWER");
        Map<String, Object> aboutAccount = fx.submitOk(citizen,
                complaint("OTHER", Map.of("kind", "ACCOUNT", "id", bill.accountId().toString())));
        assertThat(((Map<String, Object>) aboutAccount.get("department")).get("code")).isEqualTo("POWER");

        String name = "Routing Hospital " + UUID.randomUUID();
        String hospitalId = (String) map(web.post().uri("/api/v1/admin/booking/hospitals").headers(h -> h.setBearerAuth(fx.admin))
                .bodyValue(Map.of("name", name, "address", "1 Test Road", "lat", 31.2, "lon", 121.4, "level", "TERTIARY_A"))
                .exchange().expectStatus().isCreated()).get("id");
        Map<String, Object> first = fx.submitOk(citizen, complaint("HEALTHCARE", Map.of("kind", "HOSPITAL", "id", hospitalId)));
        Map<String, Object> second = fx.submitOk(citizen, complaint("HEALTHCARE", Map.of("kind", "HOSPITAL", "id", hospitalId)));
        Map<String, Object> department = (Map<String, Object>) first.get("department");
        assertThat(department.get("code")).isEqualTo("HOSPITAL:" + hospitalId);
        assertThat(department.get("name")).isEqualTo(name);
        assertThat(((Map<String, Object>) second.get("department")).get("id")).isEqualTo(department.get("id"));
    }

    @Test
    void refusesSubjectsThatDoNotExistOrAreNotTheCitizens() {
        var citizen = fx.citizen();
        for (String kind : List.of("BILL", "ACCOUNT", "APPOINTMENT", "HOSPITAL")) {
            problem(fx.submit(citizen, complaint("OTHER", Map.of("kind", kind, "id", UUID.randomUUID().toString())),
                    UUID.randomUUID().toString()), HttpStatus.UNPROCESSABLE_CONTENT, "SUBJECT_NOT_FOUND");
        }
        problem(fx.submit(citizen, complaint("OTHER", Map.of("kind", "BILL", "id", "not-a-uuid")), UUID.randomUUID().toString()),
                HttpStatus.UNPROCESSABLE_CONTENT, "SUBJECT_NOT_FOUND");
        assertThat(fx.count("SELECT count(*) FROM participation_cases WHERE citizen_id = :p0", citizen.id())).isZero();
    }

    @Test
    void aRetriedSubmissionFilesOneCase() {
        var citizen = fx.citizen();
        String key = UUID.randomUUID().toString();
        Map<String, Object> first = map(fx.submit(citizen, ParticipationFixture.stopComplaint(), key).expectStatus().isCreated());
        Map<String, Object> again = map(fx.submit(citizen, ParticipationFixture.stopComplaint(), key).expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true"));
        assertThat(again.get("id")).isEqualTo(first.get("id"));
        problem(fx.submit(citizen, complaint("WATER", null), key), HttpStatus.UNPROCESSABLE_CONTENT, "IDEMPOTENCY_KEY_REUSED");
        assertThat(fx.count("SELECT count(*) FROM participation_cases WHERE citizen_id = :p0", citizen.id())).isEqualTo(1);
    }

    @Test
    void badInputIsAClearErrorAndFilesNothing() {
        var citizen = fx.citizen();
        problem(web.post().uri("/api/v1/cases").headers(h -> h.setBearerAuth(citizen.token()))
                .bodyValue(ParticipationFixture.stopComplaint()).exchange(), HttpStatus.BAD_REQUEST, "IDEMPOTENCY_KEY_MISSING");
        problem(fx.submit(citizen, complaint("NO_SUCH_CATEGORY", null), UUID.randomUUID().toString()), HttpStatus.BAD_REQUEST,
                "UNKNOWN_CATEGORY");
        Map<String, Object> noTitle = complaint("WATER", null);
        noTitle.remove("title");
        problem(fx.submit(citizen, noTitle, UUID.randomUUID().toString()), HttpStatus.BAD_REQUEST, "VALIDATION_FAILED");
        Map<String, Object> longText = complaint("WATER", null);
        longText.put("text", "x".repeat(5001));
        problem(fx.submit(citizen, longText, UUID.randomUUID().toString()), HttpStatus.BAD_REQUEST, "VALIDATION_FAILED");
        Map<String, Object> badType = complaint("WATER", null);
        badType.put("type", "RANT");
        problem(fx.submit(citizen, badType, UUID.randomUUID().toString()), HttpStatus.BAD_REQUEST, "MALFORMED_BODY");
        Map<String, Object> badPlace = complaint("WATER", null);
        badPlace.put("location", Map.of("lat", 123.0, "lon", 10.0));
        problem(fx.submit(citizen, badPlace, UUID.randomUUID().toString()), HttpStatus.BAD_REQUEST, "VALIDATION_FAILED");
        assertThat(fx.count("SELECT count(*) FROM participation_cases WHERE citizen_id = :p0", citizen.id())).isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDashboardShowsMyOpenCasesWithTheirNextDeadline() {
        var citizen = fx.citizen();
        Map<String, Object> open = fx.submitOk(citizen, ParticipationFixture.stopComplaint());
        Map<String, Object> withdrawn = fx.submitOk(citizen, complaint("WATER", null));
        map(fx.citizenAction(citizen, withdrawn.get("id"), "withdraw", null).expectStatus().isOk());
        Map<String, Object> section = null;
        // A section has 300 ms on a shared, busy machine: a TIMEOUT may be retried twice, an ERROR never.
        for (int attempt = 0; attempt < 3; attempt++) {
            section = (Map<String, Object>) map(web.get().uri("/api/v1/me/dashboard").headers(h -> h.setBearerAuth(citizen.token()))
                    .exchange().expectStatus().isOk()).get("openCases");
            if ("OK".equals(section.get("status"))) break;
            assertThat(section.get("reason")).isEqualTo("TIMEOUT");
        }
        assertThat(section.get("status")).isEqualTo("OK");
        List<Map<String, Object>> cases = (List<Map<String, Object>>) section.get("cases");
        assertThat(cases).extracting(c -> c.get("id")).containsExactly(open.get("id"));
        assertThat(cases.get(0).get("nextDeadline")).isEqualTo(open.get("acknowledgeBy"));
        assertThat(cases.get(0).get("department")).isEqualTo("市公共交通集团");
    }
}
