package city.onestop.participation.publication;

import static city.onestop.participation.ParticipationFixture.map;
import static city.onestop.participation.ParticipationFixture.problem;
import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.TestClock;
import city.onestop.citizen.TestCitizens;
import city.onestop.participation.ParticipationFixture;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** What the city publishes: masked replies of consenting submitters, and monthly figures counted by hand. */
@IntegrationTest
class PublicationIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired TestClock clock;

    ParticipationFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ParticipationFixture(web, tokens, db);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    @SuppressWarnings("unchecked")
    void publishesRepliedCasesOfConsentingSubmittersWithPersonalDataMasked() {
        TestCitizens.Registered registered = TestCitizens.register(web);
        var citizen = new ParticipationFixture.Person(UUID.fromString(registered.id()),
                tokens.issue(UUID.fromString(registered.id()), Set.of(Role.CITIZEN)).value());
        var handler = fx.staff("TRANSIT");
        Map<String, Object> body = new HashMap<>(ParticipationFixture.stopComplaint());
        body.put("title", "天河路385号旁公交站");
        body.put("text", "测试 市民反映：电话13912345678，住在天河路385号2栋301室，车牌粤A88888的司机辱骂乘客。");
        Map<String, Object> published = fx.submitOk(citizen, body);
        fx.staffOk(handler, published.get("id"), "accept", null);
        fx.staffOk(handler, published.get("id"), "reply", Map.of("text", "已联系王小明师傅核实。"));

        Map<String, Object> secret = new HashMap<>(body);
        secret.put("publicConsent", false);
        Map<String, Object> notConsented = fx.submitOk(citizen, secret);
        fx.staffOk(handler, notConsented.get("id"), "accept", null);
        fx.staffOk(handler, notConsented.get("id"), "reply", Map.of("text", "ok"));
        Map<String, Object> unanswered = fx.submitOk(citizen, body);

        List<Map<String, Object>> items = (List<Map<String, Object>>) map(web.get()
                .uri("/api/v1/public/cases?limit=100&departmentId={d}", fx.departmentId("TRANSIT")).exchange().expectStatus().isOk())
                .get("items");
        List<Object> references = items.stream().map(i -> i.get("reference")).toList();
        assertThat(references).contains(published.get("reference"))
                .doesNotContain(notConsented.get("reference"), unanswered.get("reference"));
        Map<String, Object> shown = items.stream().filter(i -> i.get("reference").equals(published.get("reference"))).findFirst().orElseThrow();
        assertThat(shown.get("title")).isEqualTo("天河路**号旁公交站");
        assertThat(shown.get("text")).isEqualTo("测****反映：电话139****5678，住在天河路**号，车牌粤A·*****的司机辱骂乘客。");
        assertThat(shown.get("reply")).isEqualTo("已联系王**师傅核实。");
        assertThat(shown.get("department")).isEqualTo("市公共交通集团");
        assertThat(shown.get("repliedOnTime")).isEqualTo(true);
        assertThat(shown).doesNotContainKeys("id", "submitterId", "subject", "location");
        problem(web.get().uri("/api/v1/public/cases?cursor=xyz").exchange(), HttpStatus.BAD_REQUEST, "INVALID_CURSOR");
    }

    @Test
    @SuppressWarnings("unchecked")
    void countsAMonthPerDepartment() {
        var citizen = fx.citizen();
        String hospitalId = (String) map(web.post().uri("/api/v1/admin/booking/hospitals").headers(h -> h.setBearerAuth(fx.admin))
                .bodyValue(Map.of("name", "Stats Hospital " + UUID.randomUUID(), "address", "2 Test Road", "lat", 31.2, "lon", 121.4,
                        "level", "SECONDARY_A"))
                .exchange().expectStatus().isCreated()).get("id");
        Map<String, Object> about = Map.of("kind", "HOSPITAL", "id", hospitalId);

        clock.freezeAt(OffsetDateTime.parse("2026-03-02T09:00:00+08:00").toInstant()); // a Monday
        Map<String, Object> a = fx.submitOk(citizen, ParticipationFixture.complaint("HEALTHCARE", about));
        Map<String, Object> enquiry = new HashMap<>(ParticipationFixture.complaint("HEALTHCARE", about));
        enquiry.put("type", "ENQUIRY");
        Map<String, Object> b = fx.submitOk(citizen, enquiry);
        fx.submitOk(citizen, enquiry);
        var staff = fx.staff("HOSPITAL:" + hospitalId);

        clock.advance(Duration.ofHours(2));
        fx.staffOk(staff, a.get("id"), "accept", null);
        fx.staffOk(staff, a.get("id"), "reply", Map.of("text", "Sorted."));
        ParticipationFixture.map(fx.citizenAction(citizen, a.get("id"), "confirm", null).expectStatus().isOk());

        // 18 days after filing: an enquiry is due within 5 working days (3, 4, 5, 6, 9 March), so this reply is late.
        clock.freezeAt(OffsetDateTime.parse("2026-03-20T09:00:00+08:00").toInstant());
        fx.staffOk(staff, b.get("id"), "accept", null);
        fx.staffOk(staff, b.get("id"), "reply", Map.of("text", "Late, sorry."));
        ParticipationFixture.map(fx.citizenAction(citizen, b.get("id"), "reopen", Map.of("text", "Not answered")).expectStatus().isOk());

        UUID department = fx.departmentId("HOSPITAL:" + hospitalId);
        List<Map<String, Object>> items = (List<Map<String, Object>>) map(web.get()
                .uri("/api/v1/public/cases/stats?from=2026-01&to=2026-06&departmentId={d}", department).exchange().expectStatus().isOk())
                .get("items");
        assertThat(items).hasSize(1);
        Map<String, Object> march = items.get(0);
        assertThat(march.get("month")).isEqualTo("2026-03");
        assertThat(march.get("received")).isEqualTo(3);
        assertThat(march.get("replied")).isEqualTo(2);
        assertThat(march.get("repliedOnTime")).isEqualTo(1);
        // (2 h + 18 days) / 2 = (7,200 s + 1,555,200 s) / 2 = 781,200 s = 217 h.
        assertThat(march.get("medianTimeToReply")).isEqualTo("PT217H");
        assertThat(march.get("medianHoursToReply")).isEqualTo(217.0);
        assertThat(march.get("confirmedResolved")).isEqualTo(1);
        assertThat(march.get("reopened")).isEqualTo(1);
        assertThat(march.get("satisfaction")).isEqualTo(0.5);

        problem(web.get().uri("/api/v1/public/cases/stats?from=2026-13").exchange(), HttpStatus.BAD_REQUEST, "INVALID_PERIOD");
        problem(web.get().uri("/api/v1/public/cases/stats?from=2020-01&to=2026-01").exchange(), HttpStatus.BAD_REQUEST, "INVALID_PERIOD");
    }
}
