package city.onestop.notification.watch;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.dashboard.DashboardFixtures;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

@IntegrationTest
class WatchesIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired WatchJob job;
    @Autowired city.onestop.TestClock clock;

    /**
     * Daytime in the demo city, whatever the real hour: at night (00:30-05:00 in Guangzhou) no trip-based line runs
     * within 100 minutes, and CI runs at any hour.
     */
    @org.junit.jupiter.api.BeforeEach
    void daytime() {
        java.time.ZoneId zone = java.time.ZoneId.of(city.onestop.transit.demo.DemoCity.TIMEZONE);
        clock.startAt(java.time.LocalDate.now(zone).atTime(10, 0).atZone(zone).toInstant());
    }

    @org.junit.jupiter.api.AfterEach
    void realTime() {
        clock.reset();
    }

    /** The demo's routes whose buses report only their line: their live rows replace the timetable's trips. */
    @Value("${onestop.transit.demo-line-level-routes:3}") Set<String> lineLevelRoutes;

    String[] upcomingTrip() {
        return DemoTrips.upcomingTrip(web, tokens, lineLevelRoutes);
    }

    WebTestClient.ResponseSpec watch(String token, String stopId, String tripId) {
        return web.post().uri("/api/v1/me/watches").headers(h -> h.setBearerAuth(token))
                .bodyValue(Map.of("stopId", stopId, "tripId", tripId)).exchange();
    }

    long rows(String sql, UUID citizen) {
        return db.sql(sql).bind("c", citizen).map(r -> r.get(0, Long.class)).one().block(Duration.ofSeconds(10));
    }

    @Test
    void notifiesOnceWhenTheWatchedBusIsTwoStopsAwayAndForgetsTheWatchAfterTheTripPassed() {
        String[] trip = upcomingTrip();
        UUID citizen = UUID.randomUUID();
        String token = tokens.issue(citizen, Set.of(Role.CITIZEN)).value();
        Map<?, ?> created = watch(token, trip[0], trip[1]).expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        web.get().uri("/api/v1/me/watches").headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items[0].tripId").isEqualTo(trip[1]);

        // The schedule alone says nothing about stops away: no notification.
        assertThat(job.run(clock.instant()).block(Duration.ofSeconds(30)).ran()).isTrue();
        assertThat(rows("SELECT count(*) FROM notifications WHERE citizen_id = :c AND type = 'BUS_APPROACHING'", citizen)).isZero();

        SimulatedLiveBoard.stopsAway(trip[1], 3);
        try {
            job.run(clock.instant()).block(Duration.ofSeconds(30));
            assertThat(rows("SELECT count(*) FROM notifications WHERE citizen_id = :c AND type = 'BUS_APPROACHING'", citizen)).isZero();
            SimulatedLiveBoard.stopsAway(trip[1], 2);
            job.run(clock.instant()).block(Duration.ofSeconds(30));
            SimulatedLiveBoard.stopsAway(trip[1], 1);
            job.run(clock.instant()).block(Duration.ofSeconds(30));
        } finally {
            SimulatedLiveBoard.clear(trip[1]);
        }
        assertThat(rows("SELECT count(*) FROM notifications WHERE citizen_id = :c AND type = 'BUS_APPROACHING'", citizen)).isEqualTo(1);

        OffsetDateTime expires = OffsetDateTime.parse((String) created.get("expiresAt"));
        job.run(expires.plusSeconds(1).toInstant()).block(Duration.ofSeconds(30));
        assertThat(rows("SELECT count(*) FROM notification_watches WHERE citizen_id = :c", citizen)).isZero();
    }

    @Test
    void refusesUnknownStopsAndTripsThatDoNotCallThere() {
        String[] trip = upcomingTrip();
        String token = tokens.issue(UUID.randomUUID(), Set.of(Role.CITIZEN)).value();
        watch(token, DashboardFixtures.FEED + ":NOPE", trip[1]).expectStatus().isNotFound();
        watch(token, trip[0], DashboardFixtures.FEED + ":no-such-trip").expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.code").isEqualTo("TRIP_NOT_UPCOMING");
        web.post().uri("/api/v1/me/watches").headers(h -> h.setBearerAuth(token)).bodyValue(Map.of("stopId", trip[0]))
                .exchange().expectStatus().isBadRequest();
        web.post().uri("/api/v1/me/watches").bodyValue(Map.of("stopId", trip[0], "tripId", trip[1])).exchange().expectStatus().isUnauthorized();
    }
}
