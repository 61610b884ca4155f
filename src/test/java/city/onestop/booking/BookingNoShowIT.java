package city.onestop.booking;

import static city.onestop.booking.BookingFixture.problem;
import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@IntegrationTest
class BookingNoShowIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired Clock clock;
    @Autowired BookingJobs jobs;
    @Autowired ConnectionFactory connections;
    BookingFixture f;

    @BeforeEach
    void setUp() {
        f = new BookingFixture(web, tokens, db, clock);
    }

    /** Books one appointment per new department, then lets its session end {@code minutesAgo} ago. */
    private List<UUID> bookedAndOver(String token, BookingFixture.Hospital h, int count, int minutesAgo) {
        List<UUID> ids = Flux.range(0, count).map(i -> f.bookOk(token, f.session(h, 1, 1).slotIds().get(0))).collectList().block();
        db.sql("UPDATE appointments SET session_ends_at = now() - make_interval(mins => :m) WHERE id = ANY(:ids)")
                .bind("m", minutesAgo)
                .bind("ids", ids.toArray(UUID[]::new))
                .then().block(Duration.ofSeconds(10));
        return ids;
    }

    private long statusCount(List<UUID> ids, String status) {
        return db.sql("SELECT count(*) AS n FROM appointments WHERE id = ANY(:ids) AND status = :s")
                .bind("ids", ids.toArray(UUID[]::new)).bind("s", status)
                .map(r -> r.get("n", Long.class)).one().block(Duration.ofSeconds(10));
    }

    @Test
    void threeNoShowsSuspendBookingUntilAnAdminLiftsIt() {
        var h = f.hospital();
        UUID me = UUID.randomUUID();
        String token = f.citizen(me);
        List<UUID> missed = bookedAndOver(token, h, 3, 31);

        BookingJobs.NoShowRun run = jobs.markNoShows(clock.instant()).block(Duration.ofSeconds(30));

        assertThat(run.ran()).isTrue();
        assertThat(run.suspendedCitizens()).contains(me);
        assertThat(statusCount(missed, "NOSHOW")).isEqualTo(3);
        String expectedUntil = clock.instant().plus(Duration.ofDays(90)).atZone(BookingFixture.SHANGHAI).toLocalDate().toString();
        UUID slot = f.session(h, 1, 1).slotIds().get(0);
        f.book(token, slot, null).expectStatus().isForbidden().expectBody()
                .jsonPath("$.code").isEqualTo("BOOKING_SUSPENDED")
                .jsonPath("$.until").value(until -> assertThat((String) until).startsWith(expectedUntil));
        assertThat(f.booked(slot)).isZero();

        web.post().uri("/api/v1/admin/booking/suspensions/{c}/lift", me).headers(x -> x.setBearerAuth(f.admin)).exchange()
                .expectStatus().isNoContent();
        f.bookOk(token, slot);
    }

    @Test
    void appointmentsWithinTheGracePeriodAndFewerNoShowsThanTheThresholdDoNotSuspend() {
        var h = f.hospital();
        UUID me = UUID.randomUUID();
        String token = f.citizen(me);
        List<UUID> missed = bookedAndOver(token, h, 2, 31);
        List<UUID> justEnded = bookedAndOver(token, h, 1, 10);

        BookingJobs.NoShowRun run = jobs.markNoShows(clock.instant()).block(Duration.ofSeconds(30));

        assertThat(run.markedCitizens()).contains(me);
        assertThat(run.suspendedCitizens()).doesNotContain(me);
        assertThat(statusCount(missed, "NOSHOW")).isEqualTo(2);
        assertThat(statusCount(justEnded, "BOOKED")).isEqualTo(1);
        f.bookOk(token, f.session(h, 1, 1).slotIds().get(0));
    }

    @Test
    void onlyOneInstanceRunsTheJobAtATime() {
        var h = f.hospital();
        List<UUID> missed = bookedAndOver(f.citizen(UUID.randomUUID()), h, 1, 31);
        // Another instance is running the job: it holds the advisory lock in its transaction.
        Connection other = Mono.from(connections.create()).block(Duration.ofSeconds(10));
        try {
            Mono.from(other.beginTransaction()).block(Duration.ofSeconds(10));
            Flux.from(other.createStatement("SELECT pg_advisory_xact_lock(" + BookingJobs.NO_SHOW_LOCK + ")").execute())
                    .flatMap(r -> r.map((row, meta) -> 1)).blockLast(Duration.ofSeconds(10));

            BookingJobs.NoShowRun run = jobs.markNoShows(clock.instant()).block(Duration.ofSeconds(30));

            assertThat(run.ran()).isFalse();
            assertThat(statusCount(missed, "BOOKED")).isEqualTo(1);
        } finally {
            Mono.from(other.rollbackTransaction()).block(Duration.ofSeconds(10));
            Mono.from(other.close()).block(Duration.ofSeconds(10));
        }
        assertThat(jobs.markNoShows(clock.instant()).block(Duration.ofSeconds(30)).ran()).isTrue();
        assertThat(statusCount(missed, "NOSHOW")).isEqualTo(1);
    }

    @Test
    void liftingWhenNotSuspendedIs404() {
        problem(web.post().uri("/api/v1/admin/booking/suspensions/{c}/lift", UUID.randomUUID()).headers(x -> x.setBearerAuth(f.admin))
                .exchange(), HttpStatus.NOT_FOUND, "NOT_FOUND");
    }
}
