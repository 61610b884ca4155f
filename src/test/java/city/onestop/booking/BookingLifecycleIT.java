package city.onestop.booking;

import static city.onestop.booking.BookingFixture.problem;
import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

@IntegrationTest
class BookingLifecycleIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired Clock clock;
    @Autowired BookingJobs jobs;
    BookingFixture f;

    @BeforeEach
    void setUp() {
        f = new BookingFixture(web, tokens, db, clock);
    }

    private UUID hold(String token, UUID slot) {
        return BookingFixture.id(web.post().uri("/api/v1/booking/holds").headers(x -> x.setBearerAuth(token))
                .bodyValue(Map.of("slotId", slot)).exchange().expectStatus().isCreated());
    }

    /** Moves a hold's expiry into the past: the same as waiting out the hold time. */
    private void expire(UUID hold) {
        db.sql("UPDATE appointments SET hold_expires_at = now() - interval '1 second' WHERE id = :id").bind("id", hold).then()
                .block(Duration.ofSeconds(10));
    }

    private String status(UUID appointment) {
        return db.sql("SELECT status FROM appointments WHERE id = :id").bind("id", appointment).map(r -> r.get("status", String.class))
                .one().block(Duration.ofSeconds(10));
    }

    @Test
    void anExpiredHoldFreesItsPlaceForTheNextBooking() {
        UUID slot = f.session(f.hospital(), 1, 1).slotIds().get(0);
        UUID hold = hold(f.citizen(UUID.randomUUID()), slot);
        String other = f.citizen(UUID.randomUUID());
        problem(f.book(other, slot, null), HttpStatus.CONFLICT, "SLOT_FULL");

        expire(hold);

        f.bookOk(other, slot);
        assertThat(status(hold)).isEqualTo("CANCELLED");
        assertThat(f.booked(slot)).isEqualTo(1);
    }

    @Test
    void theSweeperFreesExpiredHolds() {
        UUID slot = f.session(f.hospital(), 1, 3).slotIds().get(0);
        UUID hold = hold(f.citizen(UUID.randomUUID()), slot);
        assertThat(f.booked(slot)).isEqualTo(1);
        expire(hold);

        jobs.sweepHolds(clock.instant()).collectList().block(Duration.ofSeconds(10));

        assertThat(status(hold)).isEqualTo("CANCELLED");
        assertThat(f.booked(slot)).isZero();
    }

    @Test
    void confirmingAHoldBooksItAndAnExpiredOneIsRefused() {
        UUID slot = f.session(f.hospital(), 1, 2).slotIds().get(0);
        String token = f.citizen(UUID.randomUUID());
        UUID hold = hold(token, slot);
        web.post().uri("/api/v1/booking/appointments").headers(x -> x.setBearerAuth(token)).header("Idempotency-Key", UUID.randomUUID().toString())
                .bodyValue(Map.of("holdId", hold)).exchange()
                .expectStatus().isCreated().expectBody().jsonPath("$.id").isEqualTo(hold.toString()).jsonPath("$.status").isEqualTo("BOOKED");
        assertThat(f.booked(slot)).isEqualTo(1);

        String late = f.citizen(UUID.randomUUID());
        UUID lateHold = hold(late, slot);
        expire(lateHold);
        problem(web.post().uri("/api/v1/booking/appointments").headers(x -> x.setBearerAuth(late))
                .header("Idempotency-Key", UUID.randomUUID().toString()).bodyValue(Map.of("holdId", lateHold)).exchange(),
                HttpStatus.CONFLICT, "HOLD_EXPIRED");
        assertThat(status(lateHold)).isEqualTo("CANCELLED");
        assertThat(f.booked(slot)).isEqualTo(1);
    }

    @Test
    void cancellingFreesThePlace() {
        UUID slot = f.session(f.hospital(), 1, 1).slotIds().get(0);
        String first = f.citizen(UUID.randomUUID());
        UUID appointment = f.bookOk(first, slot);
        String second = f.citizen(UUID.randomUUID());
        problem(f.book(second, slot, null), HttpStatus.CONFLICT, "SLOT_FULL");

        web.post().uri("/api/v1/booking/appointments/{id}/cancel", appointment).headers(x -> x.setBearerAuth(first)).exchange()
                .expectStatus().isOk();

        assertThat(f.booked(slot)).isZero();
        f.bookOk(second, slot);
        assertThat(f.booked(slot)).isEqualTo(1);
        // A second cancel is not a transition the table allows.
        problem(web.post().uri("/api/v1/booking/appointments/{id}/cancel", appointment).headers(x -> x.setBearerAuth(first)).exchange(),
                HttpStatus.CONFLICT, "INVALID_TRANSITION");
        assertThat(f.booked(slot)).isEqualTo(1);
    }

    @Test
    void bookingBeforeReleaseIsRefusedAndWritesNothing() {
        var h = f.hospital(Map.of("releaseDaysAhead", 7, "releaseTime", "07:00"));
        UUID department = f.department(h);
        var later = f.session(h, department, f.doctor(h, department), f.today().plusDays(10), "MORNING", 2, 1, null, null);
        UUID slot = later.slotIds().get(0);
        String expectedRelease = f.today().plusDays(3) + "T07:00:00+08:00";

        web.get().uri("/api/v1/booking/availability?departmentId={d}&from={f}&to={t}", department, f.today().plusDays(10),
                        f.today().plusDays(10))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.items[0].slots[0].released").isEqualTo(false)
                .jsonPath("$.items[0].releaseAt").isEqualTo(expectedRelease)
                .jsonPath("$.items[0].free").isEqualTo(0);
        UUID me = UUID.randomUUID();
        f.book(f.citizen(me), slot, null).expectStatus().isEqualTo(HttpStatus.CONFLICT).expectBody()
                .jsonPath("$.code").isEqualTo("NOT_YET_RELEASED")
                .jsonPath("$.releaseAt").isEqualTo(expectedRelease);

        assertThat(f.booked(slot)).isZero();
        assertThat(f.count("SELECT count(*) FROM appointments WHERE citizen_id = :p0", me)).isZero();
    }

    @Test
    void cancellingAfterTheDeadlineIsRefused() {
        // Cancel until 00:00 three days before the visit: a visit in two days is already past that.
        var h = f.hospital(Map.of("cancelDeadlineDaysBefore", 3));
        UUID slot = f.session(h, 1, 1).slotIds().get(0);
        String token = f.citizen(UUID.randomUUID());
        UUID appointment = f.bookOk(token, slot);

        web.post().uri("/api/v1/booking/appointments/{id}/cancel", appointment).headers(x -> x.setBearerAuth(token)).exchange()
                .expectStatus().isEqualTo(HttpStatus.CONFLICT).expectBody()
                .jsonPath("$.code").isEqualTo("CANCEL_DEADLINE_PASSED")
                .jsonPath("$.deadline").isEqualTo(f.today().minusDays(1) + "T00:00:00+08:00");

        assertThat(status(appointment)).isEqualTo("BOOKED");
        assertThat(f.booked(slot)).isEqualTo(1);
    }

    @Test
    void theDefaultDeadlineIsMidnightOfTheVisitDay() {
        UUID slot = f.session(f.hospital(), 1, 1).slotIds().get(0);
        String token = f.citizen(UUID.randomUUID());
        UUID appointment = f.bookOk(token, slot);
        web.get().uri("/api/v1/booking/appointments/{id}", appointment).headers(x -> x.setBearerAuth(token)).exchange()
                .expectBody().jsonPath("$.cancelDeadline").isEqualTo(f.today().plusDays(2) + "T00:00:00+08:00");
    }

    @Test
    void rescheduleMovesToAnotherSlotOfTheSameDoctorAtomically() {
        var h = f.hospital();
        UUID department = f.department(h);
        UUID doctor = f.doctor(h, department);
        var morning = f.session(h, department, doctor, f.today().plusDays(2), "MORNING", 2, 1, null, null);
        var nextDay = f.session(h, department, doctor, f.today().plusDays(3), "MORNING", 2, 1, null, null);
        String token = f.citizen(UUID.randomUUID());
        UUID old = f.bookOk(token, morning.slotIds().get(0));

        UUID moved = BookingFixture.id(web.post().uri("/api/v1/booking/appointments/{id}/reschedule", old).headers(x -> x.setBearerAuth(token))
                .bodyValue(Map.of("slotId", nextDay.slotIds().get(1))).exchange().expectStatus().isCreated());

        assertThat(status(old)).isEqualTo("CANCELLED");
        assertThat(status(moved)).isEqualTo("BOOKED");
        assertThat(f.booked(morning.slotIds().get(0))).isZero();
        assertThat(f.booked(nextDay.slotIds().get(1))).isEqualTo(1);
    }

    @Test
    void rescheduleToAnotherDoctorsSlotChangesNothing() {
        var h = f.hospital();
        UUID department = f.department(h);
        var mine = f.session(h, department, f.doctor(h, department), f.today().plusDays(2), "MORNING", 1, 1, null, null);
        var other = f.session(h, department, f.doctor(h, department), f.today().plusDays(3), "MORNING", 1, 1, null, null);
        String token = f.citizen(UUID.randomUUID());
        UUID old = f.bookOk(token, mine.slotIds().get(0));

        problem(web.post().uri("/api/v1/booking/appointments/{id}/reschedule", old).headers(x -> x.setBearerAuth(token))
                .bodyValue(Map.of("slotId", other.slotIds().get(0))).exchange(), HttpStatus.UNPROCESSABLE_CONTENT, "SLOT_OF_OTHER_DOCTOR");

        assertThat(status(old)).isEqualTo("BOOKED");
        assertThat(f.booked(mine.slotIds().get(0))).isEqualTo(1);
        assertThat(f.booked(other.slotIds().get(0))).isZero();
        assertThat(f.count("SELECT count(*) FROM appointments WHERE slot_id = :p0", other.slotIds().get(0))).isZero();
    }

    @Test
    void aParentBooksForABoundChildButNotForSomeoneElsesChild() {
        UUID slot = f.session(f.hospital(), 1, 5).slotIds().get(0);
        String parent = f.citizen(UUID.randomUUID());
        // The worked example of GB 11643-1999.
        Map<?, ?> child = web.post().uri("/api/v1/me/family-members").headers(x -> x.setBearerAuth(parent))
                .bodyValue(Map.of("name", "Xiao Ming", "idNumber", "11010519491231002X", "relationship", "CHILD")).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(child.get("idNumberMasked")).isEqualTo("110105********002X");
        UUID childId = UUID.fromString((String) child.get("id"));
        web.get().uri("/api/v1/me/family-members").headers(x -> x.setBearerAuth(parent)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.items[0].name").isEqualTo("Xiao Ming");

        f.book(parent, slot, childId).expectStatus().isCreated().expectBody()
                .jsonPath("$.patientId").isEqualTo(childId.toString())
                .jsonPath("$.patientName").isEqualTo("Xiao Ming");
        // The parent may still book for themself in the same department and day: another patient.
        f.bookOk(parent, slot);

        String stranger = f.citizen(UUID.randomUUID());
        problem(f.book(stranger, slot, childId), HttpStatus.NOT_FOUND, "NOT_FOUND");
        assertThat(f.booked(slot)).isEqualTo(2);
    }

    @Test
    void anInvalidResidentIdNumberIsRefused() {
        String token = f.citizen(UUID.randomUUID());
        problem(web.post().uri("/api/v1/me/family-members").headers(x -> x.setBearerAuth(token))
                .bodyValue(Map.of("name", "X", "idNumber", "110105194912310021", "relationship", "CHILD")).exchange(),
                HttpStatus.BAD_REQUEST, "INVALID_ID_NUMBER");
    }

    @Test
    void aCitizenNeverSeesAnotherCitizensAppointment() {
        UUID slot = f.session(f.hospital(), 1, 2).slotIds().get(0);
        String owner = f.citizen(UUID.randomUUID());
        UUID appointment = f.bookOk(owner, slot);
        String other = f.citizen(UUID.randomUUID());

        problem(web.get().uri("/api/v1/booking/appointments/{id}", appointment).headers(x -> x.setBearerAuth(other)).exchange(),
                HttpStatus.NOT_FOUND, "NOT_FOUND");
        problem(web.post().uri("/api/v1/booking/appointments/{id}/cancel", appointment).headers(x -> x.setBearerAuth(other)).exchange(),
                HttpStatus.NOT_FOUND, "NOT_FOUND");
        problem(web.get().uri("/fhir/r4/Appointment/{id}", appointment).headers(x -> x.setBearerAuth(other)).exchange(),
                HttpStatus.NOT_FOUND, "NOT_FOUND");
        web.get().uri("/api/v1/booking/appointments").headers(x -> x.setBearerAuth(other)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(0);
        web.get().uri("/api/v1/booking/appointments").headers(x -> x.setBearerAuth(owner)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.items[0].id").isEqualTo(appointment.toString());
        assertThat(status(appointment)).isEqualTo("BOOKED");
    }

    @Test
    void myAppointmentsArePagedByCursor() {
        var h = f.hospital();
        String token = f.citizen(UUID.randomUUID());
        for (int i = 0; i < 3; i++) {
            f.bookOk(token, f.session(h, 1, 1).slotIds().get(0));
        }
        Map<?, ?> page = web.get().uri("/api/v1/booking/appointments?limit=2").headers(x -> x.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat((java.util.List<?>) page.get("items")).hasSize(2);
        web.get().uri("/api/v1/booking/appointments?limit=2&cursor={c}", page.get("next")).headers(x -> x.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(1).jsonPath("$.next").doesNotExist();
    }

    @Test
    void bookingAttemptsAreRateLimitedPerCitizen() {
        String token = f.citizen(UUID.randomUUID());
        UUID unknownSlot = UUID.randomUUID();
        // 20 attempts per fixed 10 s window: whatever the window alignment, a run of at most 41 attempts that
        // spans at most one window boundary must meet a 429.
        int attempts = 0;
        int status = 0;
        while (attempts < 60 && status != 429) {
            status = web.post().uri("/api/v1/booking/holds").headers(x -> x.setBearerAuth(token))
                    .bodyValue(Map.of("slotId", unknownSlot)).exchange().returnResult(String.class).getStatus().value();
            assertThat(status).isIn(404, 429);
            attempts++;
        }
        assertThat(status).isEqualTo(429);
        assertThat(attempts).isGreaterThan(20);
        problem(web.post().uri("/api/v1/booking/holds").headers(x -> x.setBearerAuth(token))
                .bodyValue(Map.of("slotId", unknownSlot)).exchange(), HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED");
        // Another citizen is not affected.
        problem(web.post().uri("/api/v1/booking/holds").headers(x -> x.setBearerAuth(f.citizen(UUID.randomUUID())))
                .bodyValue(Map.of("slotId", unknownSlot)).exchange(), HttpStatus.NOT_FOUND, "NOT_FOUND");
    }

    @Test
    void aHoldAndARescheduleRetriedWithTheirKeyHappenOnce() {
        var h = f.hospital();
        UUID department = f.department(h);
        UUID doctor = f.doctor(h, department);
        var first = f.session(h, department, doctor, f.today().plusDays(2), "MORNING", 1, 2, null, null);
        var later = f.session(h, department, doctor, f.today().plusDays(3), "MORNING", 1, 2, null, null);
        UUID citizen = UUID.randomUUID();
        String token = f.citizen(citizen);
        String holdKey = UUID.randomUUID().toString();

        // The answer to the first hold was lost; the app retries with the same key: one place is held, not two.
        UUID hold = BookingFixture.id(web.post().uri("/api/v1/booking/holds").headers(x -> x.setBearerAuth(token))
                .header("Idempotency-Key", holdKey).bodyValue(Map.of("slotId", first.slotIds().get(0))).exchange()
                .expectStatus().isCreated());
        web.post().uri("/api/v1/booking/holds").headers(x -> x.setBearerAuth(token)).header("Idempotency-Key", holdKey)
                .bodyValue(Map.of("slotId", first.slotIds().get(0))).exchange()
                .expectStatus().isCreated().expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody().jsonPath("$.id").isEqualTo(hold.toString());
        assertThat(f.count("SELECT count(*) FROM appointments WHERE slot_id = :p0 AND citizen_id = :p1", first.slotIds().get(0), citizen))
                .isEqualTo(1);
        // The same key for another slot is another request.
        problem(web.post().uri("/api/v1/booking/holds").headers(x -> x.setBearerAuth(token)).header("Idempotency-Key", holdKey)
                .bodyValue(Map.of("slotId", later.slotIds().get(0))).exchange(), HttpStatus.UNPROCESSABLE_CONTENT, "IDEMPOTENCY_KEY_REUSED");

        UUID booked = BookingFixture.id(web.post().uri("/api/v1/booking/appointments").headers(x -> x.setBearerAuth(token))
                .header("Idempotency-Key", UUID.randomUUID().toString()).bodyValue(Map.of("holdId", hold)).exchange()
                .expectStatus().isCreated());
        assertThat(booked).isEqualTo(hold);
        String moveKey = UUID.randomUUID().toString();
        UUID moved = BookingFixture.id(web.post().uri("/api/v1/booking/appointments/{id}/reschedule", booked)
                .headers(x -> x.setBearerAuth(token)).header("Idempotency-Key", moveKey)
                .bodyValue(Map.of("slotId", later.slotIds().get(0))).exchange().expectStatus().isCreated());
        web.post().uri("/api/v1/booking/appointments/{id}/reschedule", booked).headers(x -> x.setBearerAuth(token))
                .header("Idempotency-Key", moveKey).bodyValue(Map.of("slotId", later.slotIds().get(0))).exchange()
                .expectStatus().isCreated().expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody().jsonPath("$.id").isEqualTo(moved.toString());
        assertThat(status(booked)).isEqualTo("CANCELLED");
        assertThat(status(moved)).isEqualTo("BOOKED");
        assertThat(f.count("SELECT count(*) FROM appointments WHERE slot_id = :p0 AND citizen_id = :p1", later.slotIds().get(0), citizen))
                .isEqualTo(1);
    }
}
