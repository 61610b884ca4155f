package city.onestop.booking;

import static city.onestop.booking.BookingFixture.problem;
import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Bad inputs are 4xx problem+json and write nothing. */
@IntegrationTest
class BookingBadInputIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired Clock clock;
    BookingFixture f;

    @BeforeEach
    void setUp() {
        f = new BookingFixture(web, tokens, db, clock);
    }

    private long writtenBy(UUID citizen) {
        return f.count("SELECT count(*) FROM appointments WHERE citizen_id = :p0", citizen)
                + f.count("SELECT count(*) FROM idempotency_keys WHERE principal = :p0", citizen);
    }

    @Test
    void bookingRequestsThatMakeNoSenseWriteNothing() {
        var session = f.session(f.hospital(), 1, 5);
        UUID slot = session.slotIds().get(0);
        UUID me = UUID.randomUUID();
        String token = f.citizen(me);

        problem(f.book(token, UUID.randomUUID(), null), HttpStatus.NOT_FOUND, "NOT_FOUND");
        problem(f.book(token, slot, UUID.randomUUID()), HttpStatus.NOT_FOUND, "NOT_FOUND");
        problem(web.post().uri("/api/v1/booking/appointments").headers(x -> x.setBearerAuth(token))
                .bodyValue(Map.of("slotId", slot)).exchange(), HttpStatus.BAD_REQUEST, "IDEMPOTENCY_KEY_MISSING");
        problem(web.post().uri("/api/v1/booking/appointments").headers(x -> x.setBearerAuth(token)).header("Idempotency-Key", "k1")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"slotId\": \"not-a-uuid\"}").exchange(),
                HttpStatus.BAD_REQUEST, "MALFORMED_BODY");
        problem(web.post().uri("/api/v1/booking/appointments").headers(x -> x.setBearerAuth(token)).header("Idempotency-Key", "k2")
                .bodyValue(Map.of("slotId", slot, "holdId", UUID.randomUUID())).exchange(), HttpStatus.BAD_REQUEST, "SLOT_OR_HOLD_REQUIRED");
        problem(web.post().uri("/api/v1/booking/appointments").headers(x -> x.setBearerAuth(token)).header("Idempotency-Key", "k3")
                .bodyValue(Map.of("holdId", UUID.randomUUID())).exchange(), HttpStatus.NOT_FOUND, "NOT_FOUND");
        problem(web.post().uri("/api/v1/booking/holds").headers(x -> x.setBearerAuth(token))
                .bodyValue(Map.of("patientId", me)).exchange(), HttpStatus.BAD_REQUEST, "VALIDATION_FAILED");
        problem(web.post().uri("/api/v1/booking/appointments/{id}/cancel", UUID.randomUUID()).headers(x -> x.setBearerAuth(token))
                .exchange(), HttpStatus.NOT_FOUND, "NOT_FOUND");
        problem(web.post().uri("/api/v1/booking/appointments/{id}/reschedule", "nope").headers(x -> x.setBearerAuth(token))
                .bodyValue(Map.of("slotId", slot)).exchange(), HttpStatus.BAD_REQUEST, "BAD_REQUEST");
        web.post().uri("/api/v1/booking/appointments").bodyValue(Map.of("slotId", slot)).exchange().expectStatus().isUnauthorized();

        assertThat(writtenBy(me)).isZero();
        assertThat(f.booked(slot)).isZero();
    }

    @Test
    void aKeyReusedForAnotherRequestIs422AndBooksNothingMore() {
        var session = f.session(f.hospital(), 2, 5);
        UUID me = UUID.randomUUID();
        String token = f.citizen(me);
        web.post().uri("/api/v1/booking/appointments").headers(x -> x.setBearerAuth(token)).header("Idempotency-Key", "same")
                .bodyValue(Map.of("slotId", session.slotIds().get(0))).exchange().expectStatus().isCreated();
        problem(web.post().uri("/api/v1/booking/appointments").headers(x -> x.setBearerAuth(token)).header("Idempotency-Key", "same")
                .bodyValue(Map.of("slotId", session.slotIds().get(1))).exchange(), HttpStatus.UNPROCESSABLE_CONTENT, "IDEMPOTENCY_KEY_REUSED");
        assertThat(f.count("SELECT count(*) FROM appointments WHERE citizen_id = :p0", me)).isEqualTo(1);
        assertThat(f.booked(session.slotIds().get(1))).isZero();
    }

    @Test
    void availabilityRefusesMalformedPastAndMismatchedQueries() {
        var h = f.hospital();
        var session = f.session(h, 1, 1);
        UUID otherDepartment = f.department(h);
        String today = f.today().toString();

        problem(web.get().uri("/api/v1/booking/availability?departmentId={d}&from=2025-13-01", session.departmentId()).exchange(),
                HttpStatus.BAD_REQUEST, "INVALID_DATE");
        problem(web.get().uri("/api/v1/booking/availability?departmentId={d}&from=tomorrow", session.departmentId()).exchange(),
                HttpStatus.BAD_REQUEST, "INVALID_DATE");
        problem(web.get().uri("/api/v1/booking/availability?departmentId={d}&from={f}", session.departmentId(), f.today().minusDays(1))
                .exchange(), HttpStatus.BAD_REQUEST, "DATE_IN_PAST");
        problem(web.get().uri("/api/v1/booking/availability?departmentId={d}&from={f}&to={t}", session.departmentId(), today,
                f.today().minusDays(1)).exchange(), HttpStatus.BAD_REQUEST, "INVALID_DATE_RANGE");
        problem(web.get().uri("/api/v1/booking/availability?departmentId={d}&from={f}&to={t}", session.departmentId(), today,
                f.today().plusDays(40)).exchange(), HttpStatus.BAD_REQUEST, "INVALID_DATE_RANGE");
        problem(web.get().uri("/api/v1/booking/availability").exchange(), HttpStatus.BAD_REQUEST, "DEPARTMENT_OR_DOCTOR_REQUIRED");
        problem(web.get().uri("/api/v1/booking/availability?departmentId={d}", UUID.randomUUID()).exchange(), HttpStatus.NOT_FOUND, "NOT_FOUND");
        problem(web.get().uri("/api/v1/booking/availability?departmentId=abc").exchange(), HttpStatus.BAD_REQUEST, "BAD_REQUEST");
        problem(web.get().uri("/api/v1/booking/availability?departmentId={d}&doctorId={doc}", otherDepartment, session.doctorId()).exchange(),
                HttpStatus.BAD_REQUEST, "DOCTOR_NOT_IN_DEPARTMENT");
        problem(web.get().uri("/api/v1/booking/availability?departmentId={d}&cursor=garbage", session.departmentId()).exchange(),
                HttpStatus.BAD_REQUEST, "INVALID_CURSOR");
        problem(web.get().uri("/api/v1/booking/hospitals?lat=31.2").exchange(), HttpStatus.BAD_REQUEST, "INVALID_LOCATION");
        problem(web.get().uri("/api/v1/booking/hospitals/{h}/departments", UUID.randomUUID()).exchange(), HttpStatus.NOT_FOUND, "NOT_FOUND");
        problem(web.get().uri("/api/v1/booking/departments/{d}/doctors", UUID.randomUUID()).exchange(), HttpStatus.NOT_FOUND, "NOT_FOUND");
    }

    @Test
    void staffCannotCreateSessionsInThePastOrMalformedOnes() {
        var h = f.hospital();
        UUID department = f.department(h);
        UUID doctor = f.doctor(h, department);
        problem(web.post().uri("/api/v1/booking/staff/schedules").headers(x -> x.setBearerAuth(h.staff()))
                .bodyValue(Map.of("doctorId", doctor, "date", f.today().minusDays(1).toString(), "period", "MORNING", "slotCount", 2,
                        "capacityPerSlot", 1)).exchange(), HttpStatus.BAD_REQUEST, "DATE_IN_PAST");
        problem(web.post().uri("/api/v1/booking/staff/schedules").headers(x -> x.setBearerAuth(h.staff()))
                .bodyValue(Map.of("doctorId", doctor, "date", "2026/01/01", "period", "MORNING", "slotCount", 2,
                        "capacityPerSlot", 1)).exchange(), HttpStatus.BAD_REQUEST, "INVALID_DATE");
        problem(web.post().uri("/api/v1/booking/staff/schedules").headers(x -> x.setBearerAuth(h.staff()))
                .bodyValue(Map.of("doctorId", doctor, "date", f.today().plusDays(1).toString(), "period", "NIGHT", "slotCount", 0,
                        "capacityPerSlot", 1)).exchange(), HttpStatus.BAD_REQUEST, "VALIDATION_FAILED");
        problem(web.post().uri("/api/v1/booking/staff/schedules").headers(x -> x.setBearerAuth(h.staff()))
                .bodyValue(Map.of("doctorId", doctor, "date", f.today().plusDays(1).toString(), "period", "MORNING", "slotCount", 2,
                        "capacityPerSlot", 1, "startTime", "11:00", "endTime", "09:00")).exchange(), HttpStatus.BAD_REQUEST, "INVALID_TIME");
        problem(web.post().uri("/api/v1/booking/staff/schedules").headers(x -> x.setBearerAuth(h.staff()))
                .bodyValue(Map.of("doctorId", UUID.randomUUID(), "date", f.today().plusDays(1).toString(), "period", "MORNING",
                        "slotCount", 2, "capacityPerSlot", 1)).exchange(), HttpStatus.NOT_FOUND, "NOT_FOUND");
        assertThat(f.count("SELECT count(*) FROM schedules WHERE doctor_id = :p0", doctor)).isZero();
        assertThat(f.count("SELECT count(*) FROM slots WHERE doctor_id = :p0", doctor)).isZero();

        f.session(h, department, doctor, f.today().plusDays(1), "MORNING", 2, 1, null, null);
        problem(web.post().uri("/api/v1/booking/staff/schedules").headers(x -> x.setBearerAuth(h.staff()))
                .bodyValue(Map.of("doctorId", doctor, "date", f.today().plusDays(1).toString(), "period", "MORNING", "slotCount", 2,
                        "capacityPerSlot", 1)).exchange(), HttpStatus.CONFLICT, "SCHEDULE_EXISTS");
        assertThat(f.count("SELECT count(*) FROM slots WHERE doctor_id = :p0", doctor)).isEqualTo(2);
    }

    @Test
    void hospitalsAreFoundByNameAndNearestFirst() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        f.hospital(Map.of("name", "Far " + tag, "lat", 40.0, "lon", 116.4));
        f.hospital(Map.of("name", "Near " + tag, "lat", 31.23, "lon", 121.47));
        web.get().uri("/api/v1/booking/hospitals?q={q}&lat=31.2304&lon=121.4737", tag).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(2)
                .jsonPath("$.items[0].name").isEqualTo("Near " + tag)
                .jsonPath("$.items[1].name").isEqualTo("Far " + tag);
        web.get().uri("/api/v1/booking/hospitals?q={q}&limit=1", tag).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.next").exists();
    }
}
