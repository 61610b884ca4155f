package city.onestop.booking;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/** Races through real HTTP with hundreds of requests in flight; the assertions count rows in PostgreSQL. */
@IntegrationTest
class BookingConcurrencyIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired Clock clock;
    @Value("${local.server.port}") int port;
    BookingFixture f;
    WebClient client;

    @BeforeEach
    void setUp() {
        f = new BookingFixture(web, tokens, db, clock);
        client = WebClient.create("http://127.0.0.1:" + port);
    }

    private Map<String, Long> race(int n, Function<Integer, WebClient.RequestHeadersSpec<?>> request) {
        List<String> outcomes = Flux.range(0, n)
                .flatMap(i -> BookingFixture.outcome(request.apply(i)), n)
                .collectList()
                .block(Duration.ofSeconds(120));
        return outcomes.stream().collect(Collectors.groupingBy(o -> o, Collectors.counting()));
    }

    @Test
    void fiveHundredConcurrentBookingsOfTenPlacesBookExactlyTen() {
        var session = f.session(f.hospital(), 1, 10);
        UUID slot = session.slotIds().get(0);
        List<String> citizens = Flux.range(0, 500).map(i -> f.citizen(UUID.randomUUID())).collectList().block();

        Map<String, Long> outcomes = race(500, i -> client.post().uri("/api/v1/booking/appointments")
                .headers(h -> h.setBearerAuth(citizens.get(i)))
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .bodyValue(Map.of("slotId", slot)));

        assertThat(outcomes).containsEntry("201", 10L).containsEntry("409 SLOT_FULL", 490L).hasSize(2);
        assertThat(f.count("SELECT count(*) FROM appointments WHERE slot_id = :p0 AND status = 'BOOKED'", slot)).isEqualTo(10);
        assertThat(f.count("SELECT count(*) FROM appointments WHERE slot_id = :p0", slot)).isEqualTo(10);
        assertThat(f.booked(slot)).isEqualTo(10);
    }

    @Test
    void fiveHundredConcurrentHoldsOfTenPlacesHoldExactlyTen() {
        var session = f.session(f.hospital(), 1, 10);
        UUID slot = session.slotIds().get(0);
        List<String> citizens = Flux.range(0, 500).map(i -> f.citizen(UUID.randomUUID())).collectList().block();

        Map<String, Long> outcomes = race(500, i -> client.post().uri("/api/v1/booking/holds")
                .headers(h -> h.setBearerAuth(citizens.get(i)))
                .bodyValue(Map.of("slotId", slot)));

        assertThat(outcomes).containsEntry("201", 10L).containsEntry("409 SLOT_FULL", 490L).hasSize(2);
        assertThat(f.count("SELECT count(*) FROM appointments WHERE slot_id = :p0 AND status = 'PENDING'", slot)).isEqualTo(10);
        assertThat(f.count("SELECT count(*) FROM appointments WHERE slot_id = :p0", slot)).isEqualTo(10);
        assertThat(f.booked(slot)).isEqualTo(10);
    }

    @Test
    void aDoubleTapWithOneIdempotencyKeyBooksOnce() {
        var session = f.session(f.hospital(), 1, 10);
        UUID slot = session.slotIds().get(0);
        UUID me = UUID.randomUUID();
        String token = f.citizen(me);
        String key = UUID.randomUUID().toString();

        Map<String, Long> outcomes = race(10, i -> client.post().uri("/api/v1/booking/appointments")
                .headers(h -> h.setBearerAuth(token))
                .header("Idempotency-Key", key)
                .bodyValue(Map.of("slotId", slot)));

        // The first runs; the others either replay it (201) or were refused while it was in flight (409).
        assertThat(outcomes.keySet()).isSubsetOf("201", "409 IDEMPOTENCY_IN_PROGRESS");
        assertThat(outcomes.get("201")).isPositive();
        assertThat(f.count("SELECT count(*) FROM appointments WHERE citizen_id = :p0", me)).isEqualTo(1);
        assertThat(f.booked(slot)).isEqualTo(1);
        // Once done, the same key replays the same appointment.
        UUID first = f.count("SELECT count(*) FROM appointments WHERE citizen_id = :p0", me) == 1
                ? db.sql("SELECT id FROM appointments WHERE citizen_id = :c").bind("c", me).map(r -> r.get("id", UUID.class)).one().block()
                : null;
        web.post().uri("/api/v1/booking/appointments").headers(h -> h.setBearerAuth(token)).header("Idempotency-Key", key)
                .bodyValue(Map.of("slotId", slot)).exchange()
                .expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody().jsonPath("$.id").isEqualTo(first.toString());
    }

    @Test
    void theSamePatientRacingTwoSlotsOfOneDepartmentOnOneDayGetsOneBooking() {
        var h = f.hospital();
        UUID department = f.department(h);
        var morning = f.session(h, department, f.doctor(h, department), f.today().plusDays(2), "MORNING", 5, 5, null, null);
        var afternoon = f.session(h, department, f.doctor(h, department), f.today().plusDays(2), "AFTERNOON", 5, 5, null, null);
        List<UUID> slots = List.of(morning.slotIds().get(0), morning.slotIds().get(1), afternoon.slotIds().get(0),
                afternoon.slotIds().get(1));
        UUID me = UUID.randomUUID();
        String token = f.citizen(me);

        Map<String, Long> outcomes = race(8, i -> client.post().uri("/api/v1/booking/appointments")
                .headers(x -> x.setBearerAuth(token))
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .bodyValue(Map.of("slotId", slots.get(i % slots.size()))));

        assertThat(outcomes.get("201")).isEqualTo(1L);
        assertThat(outcomes.keySet()).isSubsetOf("201", "409 ALREADY_BOOKED_DEPARTMENT_DAY", "409 ALREADY_BOOKED_SLOT");
        assertThat(f.count("SELECT count(*) FROM appointments WHERE patient_id = :p0", me)).isEqualTo(1);
        long placesTaken = slots.stream().mapToLong(f::booked).sum();
        assertThat(placesTaken).isEqualTo(1);
    }

    @Test
    void thePerPatientCapHoldsUnderConcurrency() {
        var h = f.hospital();
        UUID me = UUID.randomUUID();
        String token = f.citizen(me);
        // Eight departments, so only the cap (5 by default) can refuse.
        List<UUID> slots = Flux.range(0, 8).map(i -> f.session(h, 1, 5).slotIds().get(0)).collectList().block();

        Map<String, Long> outcomes = race(8, i -> client.post().uri("/api/v1/booking/appointments")
                .headers(x -> x.setBearerAuth(token))
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .bodyValue(Map.of("slotId", slots.get(i))));

        assertThat(outcomes).containsEntry("201", 5L).containsEntry("409 PATIENT_CAP_REACHED", 3L);
        assertThat(f.count("SELECT count(*) FROM appointments WHERE patient_id = :p0", me)).isEqualTo(5);
        assertThat(f.count("SELECT active FROM booking_patient_load WHERE patient_id = :p0", me)).isEqualTo(5);
        assertThat(slots.stream().mapToLong(f::booked).sum()).isEqualTo(5);
    }
}
