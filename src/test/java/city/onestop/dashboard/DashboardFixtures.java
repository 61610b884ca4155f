package city.onestop.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import city.onestop.transit.demo.DemoCity;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Data for dashboard and notification tests, made through the public APIs of transit and booking. */
public final class DashboardFixtures {

    public static final String FEED = "dashcity";
    private static boolean imported;

    private DashboardFixtures() {}

    static String admin(AccessTokens tokens) {
        return tokens.issue(UUID.randomUUID(), Set.of(Role.ADMIN)).value();
    }

    /** A stop of the demo city imported as feed {@value #FEED}, its service year starting yesterday (so buses run today). */
    @SuppressWarnings("unchecked")
    public static synchronized String demoStop(WebTestClient web, AccessTokens tokens) {
        if (!imported) {
            web.post().uri("/api/v1/admin/transit/feeds/{f}/imports", FEED).headers(h -> h.setBearerAuth(admin(tokens)))
                    .contentType(MediaType.parseMediaType("application/zip"))
                    .bodyValue(DemoCity.zip(LocalDate.now(ZoneId.of(DemoCity.TIMEZONE)).minusDays(1), ""))
                    .exchange().expectStatus().isCreated();
            imported = true;
        }
        Map<String, Object> near = web.get().uri("/api/v1/transit/stops?lat=23.13&lon=113.26&radius=3000&limit=1&feedId=" + FEED)
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        List<Map<String, Object>> items = (List<Map<String, Object>>) near.get("items");
        assertThat(items).isNotEmpty();
        return (String) items.get(0).get("id");
    }

    /** A new hospital, department, doctor and a session two days ahead; the citizen books its first slot. */
    public static UUID bookAppointment(WebTestClient web, AccessTokens tokens, Clock clock, UUID citizenId, String citizenToken) {
        String admin = admin(tokens);
        Map<?, ?> hospital = web.post().uri("/api/v1/admin/booking/hospitals").headers(h -> h.setBearerAuth(admin))
                .bodyValue(Map.of("name", "Dash Hospital " + UUID.randomUUID(), "address", "1 Test Road", "lat", 31.2, "lon", 121.4,
                        "level", "TERTIARY_A"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        UUID hospitalId = UUID.fromString((String) hospital.get("id"));
        UUID staffId = UUID.randomUUID();
        web.put().uri("/api/v1/admin/booking/hospitals/{h}/staff/{c}", hospitalId, staffId).headers(h -> h.setBearerAuth(admin))
                .exchange().expectStatus().isNoContent();
        String staff = tokens.issue(staffId, Set.of(Role.CITIZEN, Role.HOSPITAL_STAFF)).value();
        UUID department = id(web.post().uri("/api/v1/booking/staff/departments").headers(x -> x.setBearerAuth(staff))
                .bodyValue(Map.of("name", "Dept " + UUID.randomUUID())).exchange().expectStatus().isCreated());
        UUID doctor = id(web.post().uri("/api/v1/booking/staff/doctors").headers(x -> x.setBearerAuth(staff))
                .bodyValue(Map.of("departmentId", department, "name", "Dr. " + UUID.randomUUID(), "title", "Attending Physician",
                        "registrationFee", Map.of("amount", "25.00", "currency", "CNY")))
                .exchange().expectStatus().isCreated());
        LocalDate date = LocalDate.now(clock.withZone(ZoneId.of("Asia/Shanghai"))).plusDays(2);
        Map<?, ?> session = web.post().uri("/api/v1/booking/staff/schedules").headers(x -> x.setBearerAuth(staff))
                .bodyValue(Map.of("doctorId", doctor, "date", date.toString(), "period", "MORNING", "slotCount", 2, "capacityPerSlot", 1))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        String slotId = (String) ((Map<?, ?>) ((List<?>) session.get("slots")).get(0)).get("slotId");
        return id(web.post().uri("/api/v1/booking/appointments").headers(x -> x.setBearerAuth(citizenToken))
                .header("Idempotency-Key", UUID.randomUUID().toString()).bodyValue(Map.of("slotId", slotId))
                .exchange().expectStatus().isCreated());
    }

    private static UUID id(WebTestClient.ResponseSpec spec) {
        Map<?, ?> body = spec.expectBody(Map.class).returnResult().getResponseBody();
        return UUID.fromString((String) body.get("id"));
    }
}
