package city.onestop.participation;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/** Fresh citizens, department staff and cases through the public API, so every test owns its data. */
public final class ParticipationFixture {

    public final WebTestClient web;
    public final AccessTokens tokens;
    public final DatabaseClient db;
    public final String admin;

    public ParticipationFixture(WebTestClient web, AccessTokens tokens, DatabaseClient db) {
        this.web = web;
        this.tokens = tokens;
        this.db = db;
        this.admin = tokens.issue(UUID.randomUUID(), Set.of(Role.ADMIN)).value();
    }

    public record Person(UUID id, String token) {}

    public Person citizen() {
        UUID id = UUID.randomUUID();
        return new Person(id, tokens.issue(id, Set.of(Role.CITIZEN)).value());
    }

    /** A new staff member of the department with this code (TRANSIT, WATER, POWER, CITY_OFFICE, HOSPITAL:...). */
    public Person staff(String departmentCode, String role) {
        Person p = citizen();
        web.put().uri("/api/v1/admin/participation/departments/{d}/staff/{c}", departmentId(departmentCode), p.id())
                .headers(h -> h.setBearerAuth(admin)).bodyValue(Map.of("role", role)).exchange().expectStatus().isNoContent();
        return p;
    }

    public Person staff(String departmentCode) {
        return staff(departmentCode, "HANDLER");
    }

    @SuppressWarnings("unchecked")
    public UUID departmentId(String code) {
        List<Map<String, Object>> all = web.get().uri("/api/v1/participation/departments").exchange().expectStatus().isOk()
                .expectBody(List.class).returnResult().getResponseBody();
        return all.stream().filter(d -> code.equals(d.get("code"))).map(d -> UUID.fromString((String) d.get("id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no department " + code));
    }

    public static Map<String, Object> complaint(String category, Map<String, Object> subject) {
        Map<String, Object> body = new HashMap<>(Map.of("type", "COMPLAINT", "category", category, "title", "站台候车亭破损",
                "text", "The shelter glass at this stop is broken.", "publicConsent", true));
        if (subject != null) body.put("subject", subject);
        return body;
    }

    public static Map<String, Object> stopComplaint() {
        return complaint("TRANSIT", Map.of("kind", "STOP", "id", "demo:1001"));
    }

    public WebTestClient.ResponseSpec submit(Person citizen, Map<String, Object> body, String key) {
        return web.post().uri("/api/v1/cases").headers(h -> h.setBearerAuth(citizen.token())).header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    public Map<String, Object> submitOk(Person citizen, Map<String, Object> body) {
        return map(submit(citizen, body, UUID.randomUUID().toString()).expectStatus().isCreated());
    }

    public Map<String, Object> get(Person who, Object caseId) {
        return map(web.get().uri("/api/v1/cases/{id}", caseId).headers(h -> h.setBearerAuth(who.token())).exchange().expectStatus().isOk());
    }

    public WebTestClient.ResponseSpec staffAction(Person staff, Object caseId, String action, Map<String, Object> body) {
        var spec = web.post().uri("/api/v1/participation/staff/cases/{id}/{a}", caseId, action).headers(h -> h.setBearerAuth(staff.token()));
        return body == null ? spec.exchange() : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    public Map<String, Object> staffOk(Person staff, Object caseId, String action, Map<String, Object> body) {
        return map(staffAction(staff, caseId, action, body).expectStatus().isOk());
    }

    public WebTestClient.ResponseSpec citizenAction(Person citizen, Object caseId, String action, Map<String, Object> body) {
        var spec = web.post().uri("/api/v1/cases/{id}/{a}", caseId, action).headers(h -> h.setBearerAuth(citizen.token()));
        return body == null ? spec.exchange() : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(WebTestClient.ResponseSpec spec) {
        return spec.expectBody(Map.class).returnResult().getResponseBody();
    }

    public static void problem(WebTestClient.ResponseSpec spec, HttpStatus status, String code) {
        spec.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo(code);
    }

    @SuppressWarnings("unchecked")
    public static List<String> timelineKinds(Map<String, Object> view) {
        return ((List<Map<String, Object>>) view.get("timeline")).stream().map(e -> (String) e.get("kind")).toList();
    }

    public long count(String sql, Object... binds) {
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql);
        for (int i = 0; i < binds.length; i++) spec = spec.bind("p" + i, binds[i]);
        return spec.map(row -> ((Number) row.get(0)).longValue()).one().block(Duration.ofSeconds(10));
    }

    /** The citizen's notifications of a type; listeners store them just after the response, so this waits a little. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> notifications(Person who, String type, int atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            List<Map<String, Object>> items = ((List<Map<String, Object>>) map(web.get().uri("/api/v1/me/notifications?limit=100")
                    .headers(h -> h.setBearerAuth(who.token())).exchange().expectStatus().isOk()).get("items"))
                    .stream().filter(n -> type.equals(n.get("type"))).toList();
            if (items.size() >= atLeast || System.nanoTime() > deadline) return items;
            Flux.just(1).delayElements(Duration.ofMillis(100)).blockLast();
        }
    }

    static void assertId(Map<String, Object> view) {
        assertThat(view.get("id")).isNotNull();
    }
}
