package city.onestop.booking;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

@IntegrationTest
class BookingSmokeIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired Clock clock;
    BookingFixture f;

    @BeforeEach
    void setUp() {
        f = new BookingFixture(web, tokens, db, clock);
    }

    @Test
    void findsAFreeSlotBooksItSeesItAndCancelsIt() {
        var h = f.hospital();
        var s = f.session(h, 4, 1);
        web.get().uri("/api/v1/booking/availability?departmentId={d}&from={f}&to={t}", s.departmentId(), f.today(), f.today().plusDays(3))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].free").isEqualTo(4)
                .jsonPath("$.items[0].slots[0].remaining").isEqualTo(1)
                .jsonPath("$.items[0].slots[0].released").isEqualTo(true);
        UUID me = UUID.randomUUID();
        String token = f.citizen(me);
        UUID id = f.bookOk(token, s.slotIds().get(0));
        web.get().uri("/api/v1/booking/appointments/{id}", id).headers(x -> x.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("BOOKED")
                .jsonPath("$.patientId").isEqualTo(me.toString());
        assertThat(f.booked(s.slotIds().get(0))).isEqualTo(1);
        web.post().uri("/api/v1/booking/appointments/{id}/cancel", id).headers(x -> x.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("CANCELLED");
        assertThat(f.booked(s.slotIds().get(0))).isZero();
    }

    @Test
    void everyBookingOperationIsDocumentedWithIdSummaryAndTag() {
        java.util.Map<?, ?> doc = web.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody(java.util.Map.class).returnResult().getResponseBody();
        java.util.Map<?, ?> paths = (java.util.Map<?, ?>) doc.get("paths");
        assertThat(paths.keySet().stream().map(Object::toString).toList()).contains("/api/v1/booking/appointments", "/api/v1/booking/availability", "/fhir/r4/Slot",
                "/api/v1/booking/staff/schedules/{scheduleId}/suspend", "/api/v1/me/family-members", "/api/v1/me/notifications",
                "/api/v1/admin/booking/hospitals");
        int checked = 0;
        for (var entry : paths.entrySet()) {
            String path = (String) entry.getKey();
            if (!(path.startsWith("/api/v1/booking") || path.startsWith("/fhir/") || path.startsWith("/api/v1/me/family-members")
                    || path.startsWith("/api/v1/me/notifications") || path.startsWith("/api/v1/admin/booking"))) {
                continue;
            }
            for (Object op : ((java.util.Map<?, ?>) entry.getValue()).values()) {
                java.util.Map<?, ?> operation = (java.util.Map<?, ?>) op;
                assertThat(operation.get("operationId")).as(path).isNotNull();
                assertThat(operation.get("summary")).as(path).isNotNull();
                assertThat((java.util.List<?>) operation.get("tags")).as(path).isNotEmpty();
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(25);
    }
}
