package city.onestop.booking;

import static city.onestop.booking.BookingFixture.problem;
import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

@IntegrationTest
class BookingStaffIT {

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
    void staffOfOneHospitalCannotTouchAnother() {
        var a = f.hospital();
        var b = f.hospital();
        UUID bDepartment = f.department(b);
        UUID bDoctor = f.doctor(b, bDepartment);
        var bSession = f.session(b, bDepartment, bDoctor, f.today().plusDays(2), "MORNING", 2, 1, null, null);
        UUID bAppointment = f.bookOk(f.citizen(UUID.randomUUID()), bSession.slotIds().get(0));
        String staffA = a.staff();

        problem(web.post().uri("/api/v1/booking/staff/doctors").headers(x -> x.setBearerAuth(staffA))
                .bodyValue(Map.of("departmentId", bDepartment, "name", "Dr. Intruder", "title", "x",
                        "registrationFee", Map.of("amount", "1.00", "currency", "CNY"))).exchange(), HttpStatus.NOT_FOUND, "NOT_FOUND");
        problem(web.post().uri("/api/v1/booking/staff/schedules").headers(x -> x.setBearerAuth(staffA))
                .bodyValue(Map.of("doctorId", bDoctor, "date", f.today().plusDays(4).toString(), "period", "MORNING", "slotCount", 2,
                        "capacityPerSlot", 1)).exchange(), HttpStatus.NOT_FOUND, "NOT_FOUND");
        problem(web.post().uri("/api/v1/booking/staff/schedules/{id}/suspend", bSession.scheduleId()).headers(x -> x.setBearerAuth(staffA))
                .bodyValue(Map.of("reason", "no")).exchange(), HttpStatus.NOT_FOUND, "NOT_FOUND");
        problem(web.put().uri("/api/v1/booking/staff/slots/{id}/capacity", bSession.slotIds().get(0)).headers(x -> x.setBearerAuth(staffA))
                .bodyValue(Map.of("capacity", 50)).exchange(), HttpStatus.NOT_FOUND, "NOT_FOUND");
        problem(web.post().uri("/api/v1/booking/staff/appointments/{id}/check-in", bAppointment).headers(x -> x.setBearerAuth(staffA))
                .exchange(), HttpStatus.NOT_FOUND, "NOT_FOUND");
        problem(web.get().uri("/api/v1/booking/staff/appointments/{id}", bAppointment).headers(x -> x.setBearerAuth(staffA))
                .exchange(), HttpStatus.NOT_FOUND, "NOT_FOUND");
        problem(web.get().uri("/fhir/r4/Appointment/{id}", bAppointment).headers(x -> x.setBearerAuth(staffA)).exchange(),
                HttpStatus.NOT_FOUND, "NOT_FOUND");
        web.get().uri("/api/v1/booking/staff/appointments?date={d}", f.today().plusDays(2)).headers(x -> x.setBearerAuth(staffA)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(0);

        // Nothing of B changed, and B's own staff sees its appointment.
        assertThat(f.count("SELECT count(*) FROM doctors WHERE department_id = :p0", bDepartment)).isEqualTo(1);
        assertThat(f.count("SELECT count(*) FROM schedules WHERE doctor_id = :p0", bDoctor)).isEqualTo(1);
        assertThat(f.count("SELECT capacity FROM slots WHERE id = :p0", bSession.slotIds().get(0))).isEqualTo(1);
        web.get().uri("/api/v1/booking/staff/appointments?date={d}", f.today().plusDays(2)).headers(x -> x.setBearerAuth(b.staff())).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.items[0].id").isEqualTo(bAppointment.toString())
                .jsonPath("$.items[0].status").isEqualTo("BOOKED");
    }

    @Test
    void staffEndpointsNeedTheRoleAndAHospital() {
        String citizen = f.citizen(UUID.randomUUID());
        problem(web.post().uri("/api/v1/booking/staff/departments").headers(x -> x.setBearerAuth(citizen))
                .bodyValue(Map.of("name", "x")).exchange(), HttpStatus.FORBIDDEN, "FORBIDDEN");
        String unassigned = tokens.issue(UUID.randomUUID(), Set.of(Role.HOSPITAL_STAFF)).value();
        problem(web.post().uri("/api/v1/booking/staff/departments").headers(x -> x.setBearerAuth(unassigned))
                .bodyValue(Map.of("name", "x")).exchange(), HttpStatus.FORBIDDEN, "NOT_HOSPITAL_STAFF");
        problem(web.post().uri("/api/v1/admin/booking/hospitals").headers(x -> x.setBearerAuth(citizen))
                .bodyValue(Map.of("name", "x", "address", "y", "level", "z")).exchange(), HttpStatus.FORBIDDEN, "FORBIDDEN");
    }

    @Test
    void staffCheckInAndFulfilAndEveryTransitionIsInTheHistory() {
        var h = f.hospital();
        UUID slot = f.session(h, 1, 1).slotIds().get(0);
        UUID patient = UUID.randomUUID();
        UUID appointment = f.bookOk(f.citizen(patient), slot);

        web.post().uri("/api/v1/booking/staff/appointments/{id}/check-in", appointment).headers(x -> x.setBearerAuth(h.staff())).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("CHECKED_IN");
        web.post().uri("/api/v1/booking/staff/appointments/{id}/fulfil", appointment).headers(x -> x.setBearerAuth(h.staff())).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("FULFILLED");
        problem(web.post().uri("/api/v1/booking/staff/appointments/{id}/check-in", appointment).headers(x -> x.setBearerAuth(h.staff()))
                .exchange(), HttpStatus.CONFLICT, "INVALID_TRANSITION");

        web.get().uri("/api/v1/booking/staff/appointments/{id}", appointment).headers(x -> x.setBearerAuth(h.staff())).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.history.length()").isEqualTo(3)
                .jsonPath("$.history[0].to").isEqualTo("BOOKED")
                .jsonPath("$.history[0].actor").isEqualTo(patient.toString())
                .jsonPath("$.history[1].from").isEqualTo("BOOKED")
                .jsonPath("$.history[1].to").isEqualTo("CHECKED_IN")
                .jsonPath("$.history[1].actor").isEqualTo(h.staffId().toString())
                .jsonPath("$.history[2].to").isEqualTo("FULFILLED");
    }

    @Test
    void theDatabaseRefusesATransitionOutsideTheTable() {
        UUID slot = f.session(f.hospital(), 1, 1).slotIds().get(0);
        UUID appointment = f.bookOk(f.citizen(UUID.randomUUID()), slot);
        assertThat(db.sql("UPDATE appointments SET status = 'FULFILLED', updated_at = now() WHERE id = :id").bind("id", appointment)
                .then().onErrorResume(e -> reactor.core.publisher.Mono.error(new IllegalStateException(e.getMessage())))
                .materialize().block(Duration.ofSeconds(10)).getThrowable()).hasMessageContaining("INVALID_TRANSITION");
    }

    @Test
    void capacityNeverGoesBelowWhatIsBooked() {
        var h = f.hospital();
        UUID slot = f.session(h, 1, 2).slotIds().get(0);
        f.bookOk(f.citizen(UUID.randomUUID()), slot);
        problem(web.put().uri("/api/v1/booking/staff/slots/{id}/capacity", slot).headers(x -> x.setBearerAuth(h.staff()))
                .bodyValue(Map.of("capacity", 0)).exchange(), HttpStatus.CONFLICT, "CAPACITY_BELOW_BOOKED");
        web.put().uri("/api/v1/booking/staff/slots/{id}/capacity", slot).headers(x -> x.setBearerAuth(h.staff()))
                .bodyValue(Map.of("capacity", 1)).exchange().expectStatus().isOk();
        assertThat(f.count("SELECT capacity FROM slots WHERE id = :p0", slot)).isEqualTo(1);
        problem(f.book(f.citizen(UUID.randomUUID()), slot, null), HttpStatus.CONFLICT, "SLOT_FULL");
    }

    @Test
    void suspendingASessionCancelsItsAppointmentsClosesItsSlotsAndNotifiesEachPatient() {
        var h = f.hospital();
        var session = f.session(h, 3, 2);
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        String firstToken = f.citizen(first);
        String secondToken = f.citizen(second);
        UUID a1 = f.bookOk(firstToken, session.slotIds().get(0));
        UUID a2 = f.bookOk(secondToken, session.slotIds().get(1));
        web.post().uri("/api/v1/booking/holds").headers(x -> x.setBearerAuth(f.citizen(UUID.randomUUID())))
                .bodyValue(Map.of("slotId", session.slotIds().get(2))).exchange().expectStatus().isCreated();

        web.post().uri("/api/v1/booking/staff/schedules/{id}/suspend", session.scheduleId()).headers(x -> x.setBearerAuth(h.staff()))
                .bodyValue(Map.of("reason", "Doctor called to surgery")).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.cancelledAppointments").isEqualTo(3);

        assertThat(f.count("SELECT count(*) FROM appointments WHERE schedule_id = :p0 AND status = 'CANCELLED' "
                + "AND status_reason = 'Doctor called to surgery'", session.scheduleId())).isEqualTo(3);
        assertThat(session.slotIds().stream().mapToInt(f::booked).sum()).isZero();
        problem(f.book(f.citizen(UUID.randomUUID()), session.slotIds().get(0), null), HttpStatus.CONFLICT, "SLOT_CLOSED");
        web.get().uri("/api/v1/booking/availability?departmentId={d}&from={f}&to={t}", session.departmentId(), f.today().plusDays(2), f.today().plusDays(2))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.items[0].status").isEqualTo("SUSPENDED")
                .jsonPath("$.items[0].free").isEqualTo(0);
        problem(web.post().uri("/api/v1/booking/staff/schedules/{id}/suspend", session.scheduleId()).headers(x -> x.setBearerAuth(h.staff()))
                .bodyValue(Map.of("reason", "again")).exchange(), HttpStatus.CONFLICT, "SCHEDULE_SUSPENDED");

        Map<?, ?> inbox = awaitNotifications(firstToken);
        List<?> items = (List<?>) inbox.get("items");
        assertThat(items).hasSize(1);
        Map<?, ?> notice = (Map<?, ?>) items.get(0);
        assertThat(notice.get("type")).isEqualTo("APPOINTMENT_CANCELLED_BY_HOSPITAL");
        assertThat((String) notice.get("body")).contains("Doctor called to surgery");
        assertThat(notice.get("readAt")).isNull();
        assertThat((List<?>) awaitNotifications(secondToken).get("items")).hasSize(1);

        String id = (String) notice.get("id");
        problem(web.post().uri("/api/v1/me/notifications/{id}/read", id).headers(x -> x.setBearerAuth(secondToken)).exchange(),
                HttpStatus.NOT_FOUND, "NOT_FOUND");
        web.post().uri("/api/v1/me/notifications/{id}/read", id).headers(x -> x.setBearerAuth(firstToken)).exchange()
                .expectStatus().isNoContent();
        web.get().uri("/api/v1/me/notifications").headers(x -> x.setBearerAuth(firstToken)).exchange()
                .expectBody().jsonPath("$.items[0].readAt").exists();
        assertThat(List.of(a1, a2)).allSatisfy(a -> assertThat(
                f.count("SELECT count(*) FROM appointment_history WHERE appointment_id = :p0 AND to_status = 'CANCELLED' AND actor = :p1",
                        a, h.staffId())).isEqualTo(1));
    }

    /** The notice is written after the cancellation commits, by an event listener: poll briefly for it. */
    private Map<?, ?> awaitNotifications(String token) {
        Instant deadline = Instant.now().plusSeconds(15);
        while (true) {
            Map<?, ?> all = web.get().uri("/api/v1/me/notifications").headers(x -> x.setBearerAuth(token)).exchange()
                    .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
            // Only the cancellation notices: the patient also has the notice that confirmed the booking (issue #7).
            Map<?, ?> inbox = Map.of("items", ((List<?>) all.get("items")).stream()
                    .filter(n -> "APPOINTMENT_CANCELLED_BY_HOSPITAL".equals(((Map<?, ?>) n).get("type"))).toList());
            if (!((List<?>) inbox.get("items")).isEmpty() || Instant.now().isAfter(deadline)) {
                return inbox;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return inbox;
            }
        }
    }
}
