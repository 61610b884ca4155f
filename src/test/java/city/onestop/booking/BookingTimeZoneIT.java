package city.onestop.booking;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Dates are calendar days of the hospital's zone, whatever the JVM's default zone (run the suite with
 * -Duser.timezone=UTC and =Asia/Shanghai: both must pass). An 07:30 or 08:00 slot in Shanghai is the
 * previous day, or midnight, in UTC: exactly where a UTC-based date would go wrong.
 */
@IntegrationTest
class BookingTimeZoneIT {

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
    void anEarlyMorningShanghaiSlotIsListedUnderItsShanghaiDate() {
        var h = f.hospital();
        UUID department = f.department(h);
        LocalDate day = f.today().plusDays(2);
        f.session(h, department, f.doctor(h, department), day, "MORNING", 2, 1, "07:30", "08:30");

        web.get().uri("/api/v1/booking/availability?departmentId={d}&from={f}&to={t}", department, day, day).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].date").isEqualTo(day.toString())
                .jsonPath("$.items[0].slots[0].start").isEqualTo(day + "T07:30:00+08:00")
                .jsonPath("$.items[0].slots[1].start").isEqualTo(day + "T08:00:00+08:00")
                .jsonPath("$.items[0].slots[1].end").isEqualTo(day + "T08:30:00+08:00");
        web.get().uri("/api/v1/booking/availability?departmentId={d}&from={f}&to={t}", department, day.minusDays(1), day.minusDays(1))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(0);
        assertThat(f.count("SELECT count(*) FROM slots s JOIN departments d ON d.id = s.department_id "
                + "WHERE d.id = :p0 AND s.visit_date = :p1", department, day)).isEqualTo(2);
        // The stored instant is the UTC one: 07:30 in Shanghai is 23:30 UTC of the day before.
        assertThat(f.count("SELECT count(*) FROM slots WHERE department_id = :p0 AND starts_at = :p1", department,
                day.minusDays(1).atTime(23, 30).atOffset(java.time.ZoneOffset.UTC))).isEqualTo(1);
        System.out.println("JVM default zone for this run: " + TimeZone.getDefault().getID());
    }

    @Test
    void aHospitalInAnotherZoneEmitsItsOwnOffset() {
        var h = f.hospital(Map.of("zone", "Asia/Kolkata"));
        UUID department = f.department(h);
        LocalDate day = LocalDate.now(clock.withZone(java.time.ZoneId.of("Asia/Kolkata"))).plusDays(2);
        f.session(h, department, f.doctor(h, department), day, "MORNING", 1, 1, "05:00", "06:00");

        web.get().uri("/api/v1/booking/availability?departmentId={d}&from={f}&to={t}", department, day, day).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items[0].date").isEqualTo(day.toString())
                .jsonPath("$.items[0].slots[0].start").isEqualTo(day + "T05:00:00+05:30")
                .jsonPath("$.items[0].releaseAt").isEqualTo(day.minusDays(7) + "T07:00:00+05:30");
    }
}
