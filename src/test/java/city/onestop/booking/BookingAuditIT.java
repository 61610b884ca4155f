package city.onestop.booking;

import static city.onestop.booking.BookingFixture.problem;
import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.AuditRows;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

@IntegrationTest
class BookingAuditIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired Clock clock;
    BookingFixture f;
    AuditRows audit;

    @BeforeEach
    void setUp() {
        f = new BookingFixture(web, tokens, db, clock);
        audit = new AuditRows(db);
    }

    @Test
    void bookingCheckInAndCancellationAreAuditedWithTheirActors() {
        var h = f.hospital();
        var session = f.session(h, 2, 1);
        UUID patient = UUID.randomUUID();
        String token = f.citizen(patient);
        String requestId = "audit-book-" + UUID.randomUUID();
        UUID appointment = BookingFixture.id(web.post().uri("/api/v1/booking/appointments").headers(x -> x.setBearerAuth(token))
                .header("Idempotency-Key", UUID.randomUUID().toString()).header("X-Request-Id", requestId)
                .bodyValue(Map.of("slotId", session.slotIds().get(0))).exchange().expectStatus().isCreated());
        web.post().uri("/api/v1/booking/staff/appointments/{id}/check-in", appointment).headers(x -> x.setBearerAuth(h.staff()))
                .exchange().expectStatus().isOk();
        // One appointment per citizen and session: the second is in another session.
        UUID other = f.bookOk(token, f.session(h, 1, 1).slotIds().get(0));
        web.post().uri("/api/v1/booking/appointments/{id}/cancel", other).headers(x -> x.setBearerAuth(token)).exchange()
                .expectStatus().isOk();

        List<AuditRows.Row> rows = audit.byTarget("appointment:" + appointment);
        assertThat(rows).extracting(AuditRows.Row::action).containsExactly("APPOINTMENT_BOOKED", "APPOINTMENT_CHECKED_IN");
        assertThat(rows.get(0).actorId()).isEqualTo(patient);
        assertThat(rows.get(0).actorRole()).isEqualTo("CITIZEN");
        assertThat(rows.get(0).requestId()).isEqualTo(requestId);
        assertThat(rows.get(1).actorId()).isEqualTo(h.staffId());
        assertThat(rows.get(1).actorRole()).isEqualTo("HOSPITAL_STAFF");
        assertThat(audit.byTarget("appointment:" + other)).extracting(AuditRows.Row::action)
                .containsExactly("APPOINTMENT_BOOKED", "APPOINTMENT_CANCELLED");
    }

    @Test
    void aRefusedRescheduleRollsBackItsAuditRowWithTheCancellation() {
        var h = f.hospital();
        UUID department = f.department(h);
        var mine = f.session(h, department, f.doctor(h, department), f.today().plusDays(2), "MORNING", 1, 1, null, null);
        var other = f.session(h, department, f.doctor(h, department), f.today().plusDays(3), "MORNING", 1, 1, null, null);
        String token = f.citizen(UUID.randomUUID());
        UUID old = f.bookOk(token, mine.slotIds().get(0));

        problem(web.post().uri("/api/v1/booking/appointments/{id}/reschedule", old).headers(x -> x.setBearerAuth(token))
                .bodyValue(Map.of("slotId", other.slotIds().get(0))).exchange(), HttpStatus.UNPROCESSABLE_CONTENT, "SLOT_OF_OTHER_DOCTOR");

        assertThat(audit.byTarget("appointment:" + old)).extracting(AuditRows.Row::action).containsExactly("APPOINTMENT_BOOKED");
        assertThat(f.booked(mine.slotIds().get(0))).isEqualTo(1);
    }

    @Test
    void hospitalSetUpAndStaffChangesAreAudited() {
        var h = f.hospital();
        UUID department = f.department(h);
        var session = f.session(h, department, f.doctor(h, department), f.today().plusDays(2), "MORNING", 1, 1, null, null);
        web.post().uri("/api/v1/booking/staff/schedules/{id}/suspend", session.scheduleId()).headers(x -> x.setBearerAuth(h.staff()))
                .bodyValue(Map.of("reason", "doctor ill")).exchange().expectStatus().isOk();

        assertThat(audit.byTarget("hospital:" + h.id())).extracting(AuditRows.Row::action, AuditRows.Row::actorRole).containsExactly(
                org.assertj.core.groups.Tuple.tuple("HOSPITAL_CREATED", "ADMIN"),
                org.assertj.core.groups.Tuple.tuple("STAFF_ASSIGNED", "ADMIN"));
        assertThat(audit.byActor(h.staffId())).extracting(AuditRows.Row::action)
                .containsExactly("DEPARTMENT_CREATED", "DOCTOR_CREATED", "SCHEDULE_CREATED", "SCHEDULE_SUSPENDED");
        assertThat(AuditRows.last(audit.byTarget("schedule:" + session.scheduleId())).target())
                .isEqualTo("schedule:" + session.scheduleId() + " cancelled:0");
    }
}
