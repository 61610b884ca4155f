package city.onestop.booking;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/** Builds fresh booking data through the public API, so every test owns its hospital, doctors and citizens. */
public final class BookingFixture {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Z_]+)\"");

    final WebTestClient web;
    final AccessTokens tokens;
    final DatabaseClient db;
    final Clock clock;
    final String admin;

    public BookingFixture(WebTestClient web, AccessTokens tokens, DatabaseClient db, Clock clock) {
        this.web = web;
        this.tokens = tokens;
        this.db = db;
        this.clock = clock;
        this.admin = tokens.issue(UUID.randomUUID(), Set.of(Role.ADMIN)).value();
    }

    LocalDate today() {
        return LocalDate.now(clock.withZone(SHANGHAI));
    }

    public String citizen(UUID id) {
        return tokens.issue(id, Set.of(Role.CITIZEN)).value();
    }

    public record Hospital(UUID id, UUID staffId, String staff) {}

    Hospital hospital(Map<String, Object> overrides) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "Test Hospital " + UUID.randomUUID(), "address", "1 Test Road",
                "lat", 31.2, "lon", 121.4, "level", "TERTIARY_A"));
        body.putAll(overrides);
        Map<?, ?> created = web.post().uri("/api/v1/admin/booking/hospitals").headers(h -> h.setBearerAuth(admin)).bodyValue(body)
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        UUID id = UUID.fromString((String) created.get("id"));
        UUID staffId = UUID.randomUUID();
        web.put().uri("/api/v1/admin/booking/hospitals/{h}/staff/{c}", id, staffId).headers(h -> h.setBearerAuth(admin))
                .exchange().expectStatus().isNoContent();
        return new Hospital(id, staffId, tokens.issue(staffId, Set.of(Role.CITIZEN, Role.HOSPITAL_STAFF)).value());
    }

    public Hospital hospital() {
        return hospital(Map.of());
    }

    UUID department(Hospital h) {
        return id(web.post().uri("/api/v1/booking/staff/departments").headers(x -> x.setBearerAuth(h.staff()))
                .bodyValue(Map.of("name", "Dept " + UUID.randomUUID())).exchange().expectStatus().isCreated());
    }

    UUID doctor(Hospital h, UUID department) {
        return id(web.post().uri("/api/v1/booking/staff/doctors").headers(x -> x.setBearerAuth(h.staff()))
                .bodyValue(Map.of("departmentId", department, "name", "Dr. " + UUID.randomUUID(), "title", "Attending Physician",
                        "registrationFee", Map.of("amount", "25.00", "currency", "CNY")))
                .exchange().expectStatus().isCreated());
    }

    public record Session(UUID scheduleId, UUID departmentId, UUID doctorId, List<UUID> slotIds) {}

    public Session session(Hospital h, UUID department, UUID doctor, LocalDate date, String period, int slotCount, int capacity,
            String startTime, String endTime) {
        Map<String, Object> body = new HashMap<>(Map.of("doctorId", doctor, "date", date.toString(), "period", period,
                "slotCount", slotCount, "capacityPerSlot", capacity));
        if (startTime != null) {
            body.put("startTime", startTime);
            body.put("endTime", endTime);
        }
        Map<?, ?> created = web.post().uri("/api/v1/booking/staff/schedules").headers(x -> x.setBearerAuth(h.staff())).bodyValue(body)
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        List<UUID> slots = ((List<?>) created.get("slots")).stream().map(s -> UUID.fromString((String) ((Map<?, ?>) s).get("slotId"))).toList();
        return new Session(UUID.fromString((String) created.get("scheduleId")), department, doctor, slots);
    }

    /** A released session (two days ahead) of a new doctor in a new department of the hospital. */
    public Session session(Hospital h, int slotCount, int capacity) {
        UUID department = department(h);
        return session(h, department, doctor(h, department), today().plusDays(2), "MORNING", slotCount, capacity, null, null);
    }

    WebTestClient.ResponseSpec book(String token, UUID slotId, UUID patientId) {
        Map<String, Object> body = new HashMap<>(Map.of("slotId", slotId));
        if (patientId != null) {
            body.put("patientId", patientId);
        }
        return web.post().uri("/api/v1/booking/appointments").headers(x -> x.setBearerAuth(token))
                .header("Idempotency-Key", UUID.randomUUID().toString()).bodyValue(body).exchange();
    }

    public UUID bookOk(String token, UUID slotId) {
        return id(book(token, slotId, null).expectStatus().isCreated());
    }

    static UUID id(WebTestClient.ResponseSpec spec) {
        Map<?, ?> body = spec.expectBody(Map.class).returnResult().getResponseBody();
        assertThat(body.get("id")).isNotNull();
        return UUID.fromString((String) body.get("id"));
    }

    static void problem(WebTestClient.ResponseSpec spec, HttpStatus status, String code) {
        spec.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo(code);
    }

    /** A non-blocking call for concurrency tests: "status CODE" of the response. */
    static Mono<String> outcome(WebClient.RequestHeadersSpec<?> request) {
        return request.exchangeToMono(r -> r.bodyToMono(String.class).defaultIfEmpty("").map(body -> {
            Matcher m = CODE.matcher(body);
            return r.statusCode().value() + (m.find() ? " " + m.group(1) : "");
        }));
    }

    long count(String sql, Object... binds) {
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql);
        for (int i = 0; i < binds.length; i++) {
            spec = spec.bind("p" + i, binds[i]);
        }
        return spec.map(row -> ((Number) row.get(0)).longValue()).one().block(Duration.ofSeconds(10));
    }

    int booked(UUID slotId) {
        return (int) count("SELECT booked FROM slots WHERE id = :p0", slotId);
    }
}
