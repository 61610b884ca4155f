package city.onestop.participation.cases;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.participation.ParticipationFixture;
import city.onestop.platform.AccessTokens;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * An admin loads a year's holidays when the State Council publishes them; deadlines count on them at once. The year
 * is 2031 and its days are made up for the test (Wednesday 1 and Thursday 2 January off, Saturday 4 January worked):
 * no real notice is claimed.
 */
@IntegrationTest
class CalendarAdminIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired CalendarStore calendars;

    ParticipationFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ParticipationFixture(web, tokens, db);
    }

    @AfterEach
    void forget2031() {
        db.sql("DELETE FROM participation_calendar_days WHERE day >= DATE '2031-01-01' AND day < DATE '2032-01-01'").then()
                .then(db.sql("DELETE FROM participation_calendar_years WHERE year = 2031").then())
                .block(Duration.ofSeconds(10));
        calendars.forget();
    }

    WebTestClient.ResponseSpec put(String token, Object body) {
        return web.put().uri("/api/v1/admin/participation/calendar/2031").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    static Map<String, Object> day(String date, String kind, String name) {
        return Map.of("date", date, "kind", kind, "name", name);
    }

    @Test
    void aLoadedYearIsPublicAndMovesDeadlinesAtOnce() {
        web.get().uri("/api/v1/participation/calendar/2031").exchange().expectStatus().isNotFound();
        WorkingCalendar before = calendars.calendar().block(Duration.ofSeconds(10));
        assertThat(before.addWorkingDays(LocalDate.of(2030, 12, 31), 1)).isEqualTo(LocalDate.of(2031, 1, 1));

        put(fx.admin, Map.of("source", "Test notice for 2031", "days", List.of(day("2031-01-04", "WORKDAY", "元旦调休上班"),
                        day("2031-01-01", "HOLIDAY", "元旦"), day("2031-01-02", "HOLIDAY", "元旦"))))
                .expectStatus().isOk().expectBody()
                .jsonPath("$.year").isEqualTo(2031)
                .jsonPath("$.days.length()").isEqualTo(3)
                .jsonPath("$.days[0].date").isEqualTo("2031-01-01")
                .jsonPath("$.days[2].kind").isEqualTo("WORKDAY");
        web.get().uri("/api/v1/participation/calendar/2031").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.source").isEqualTo("Test notice for 2031").jsonPath("$.days[1].name").isEqualTo("元旦");

        // Counted by hand: after Tuesday 31 December, Wednesday and Thursday are off, Friday 3 January is the first
        // working day; after that Friday, Saturday 4 January is worked.
        WorkingCalendar after = calendars.calendar().block(Duration.ofSeconds(10));
        assertThat(after.addWorkingDays(LocalDate.of(2030, 12, 31), 1)).isEqualTo(LocalDate.of(2031, 1, 3));
        assertThat(after.addWorkingDays(LocalDate.of(2031, 1, 3), 1)).isEqualTo(LocalDate.of(2031, 1, 4));
        assertThat(after.covers(LocalDate.of(2031, 3, 1), LocalDate.of(2031, 3, 31))).isTrue();

        // A corrected notice replaces the year: 2 January is a working day again.
        put(fx.admin, Map.of("source", "Corrected test notice", "days", List.of(day("2031-01-01", "HOLIDAY", "元旦"))))
                .expectStatus().isOk().expectBody().jsonPath("$.days.length()").isEqualTo(1);
        assertThat(calendars.calendar().block(Duration.ofSeconds(10)).addWorkingDays(LocalDate.of(2030, 12, 31), 1))
                .isEqualTo(LocalDate.of(2031, 1, 2));
        assertThat(fx.count("SELECT count(*) FROM audit_log WHERE action = 'CASE_CALENDAR_SET' AND target LIKE 'calendar:2031%'"))
                .isEqualTo(2);
    }

    @Test
    void mistakesAreNamedAndOnlyAnAdminLoadsAYear() {
        put(fx.admin, Map.of("source", "x", "days", List.of(day("2031-01-06", "WORKDAY", "周一"), day("2030-12-31", "HOLIDAY", "旧年"),
                        day("2031-01-01", "HOLIDAY", "元旦"), day("2031-01-01", "HOLIDAY", "元旦"), day("2031-01-02", "DAY_OFF", "?"))))
                .expectStatus().isBadRequest().expectBody()
                .jsonPath("$.code").isEqualTo("VALIDATION_FAILED")
                .jsonPath("$.errors.length()").isEqualTo(4);
        put(fx.admin, Map.of("days", List.of())).expectStatus().isBadRequest();
        put(fx.citizen().token(), Map.of("source", "x", "days", List.of())).expectStatus().isForbidden();
        web.get().uri("/api/v1/participation/calendar/2031").exchange().expectStatus().isNotFound();
    }
}
