package city.onestop.booking;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The release-time surge benchmark (docs/benchmarks.md). Not part of {@code mvn verify}: its name ends in
 * neither Tests nor IT. Run it alone:
 * {@code mvn -o verify -Dtest=NoSuch -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=BookingSurgeLoad}.
 * 200 concurrent clients over loopback, each attempt by a different citizen (as in a real surge), against
 * 1,000 freshly released slots of capacity 1, each slot attempted 10 times; it reports attempts/s, latency percentiles and oversold
 * slots, which must be 0. Client and server share this machine's cores.
 */
@IntegrationTest
class BookingSurgeLoad {

    static final int CLIENTS = Integer.getInteger("bench.clients", 200);
    static final int SLOTS = Integer.getInteger("bench.slots", 1000);
    static final int ATTEMPTS = Integer.getInteger("bench.attempts", 10_000);

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired Clock clock;
    @Value("${local.server.port}") int port;

    @Test
    void releaseTimeSurge() throws Exception {
        BookingFixture f = new BookingFixture(web, tokens, db, clock);
        var h = f.hospital();
        UUID department = f.department(h);
        List<UUID> slots = new ArrayList<>();
        // 10 doctors × 100 numbered slots of capacity 1 = 1,000 places in one department.
        for (int d = 0; d < SLOTS / 100; d++) {
            slots.addAll(f.session(h, department, f.doctor(h, department), f.today().plusDays(2), "MORNING", 100, 1, null, null).slotIds());
        }
        List<String> citizens = Flux.range(0, ATTEMPTS).map(i -> f.citizen(UUID.randomUUID())).collectList().block();
        WebClient client = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .clientConnector(new org.springframework.http.client.reactive.ReactorClientHttpConnector(
                        HttpClient.create(ConnectionProvider.builder("bench").maxConnections(CLIENTS).pendingAcquireMaxCount(-1).build())))
                .build();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());

        long start = System.nanoTime();
        Map<String, Long> outcomes = Flux.range(0, ATTEMPTS)
                .flatMap(i -> Mono.defer(() -> {
                    long t0 = System.nanoTime();
                    // A scattered permutation: every slot gets exactly ATTEMPTS / SLOTS attempts (7919 is prime).
                    UUID slot = slots.get((int) ((i * 7919L) % slots.size()));
                    return BookingFixture.outcome(client.post().uri("/api/v1/booking/appointments")
                                    .headers(x -> x.setBearerAuth(citizens.get(i)))
                                    .header("Idempotency-Key", UUID.randomUUID().toString())
                                    .bodyValue(Map.of("slotId", slot)))
                            .doOnNext(o -> latencies.add(System.nanoTime() - t0));
                }), CLIENTS)
                .collect(Collectors.groupingBy(o -> o, Collectors.counting()))
                .block(Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - start) / 1e9;

        long oversold = db.sql("SELECT count(*) AS n FROM slots s WHERE s.department_id = :d AND s.capacity < "
                        + "(SELECT count(*) FROM appointments a WHERE a.slot_id = s.id AND a.status = 'BOOKED')")
                .bind("d", department).map(r -> r.get("n", Long.class)).one().block();
        long booked = db.sql("SELECT count(*) AS n FROM appointments WHERE department_id = :d AND status = 'BOOKED'")
                .bind("d", department).map(r -> r.get("n", Long.class)).one().block();
        long counterMismatch = db.sql("SELECT count(*) AS n FROM slots s WHERE s.department_id = :d AND s.booked <> "
                        + "(SELECT count(*) FROM appointments a WHERE a.slot_id = s.id AND a.status = 'BOOKED')")
                .bind("d", department).map(r -> r.get("n", Long.class)).one().block();
        List<Long> sorted = latencies.stream().sorted().toList();
        String report = String.format("""
                        booking surge: %d clients, %d attempts, %d slots of capacity 1
                        elapsed %.2f s, %.0f attempts/s, %.0f bookings/s
                        latency ms: p50 %.1f, p90 %.1f, p99 %.1f, max %.1f
                        outcomes: %s
                        booked rows %d, oversold slots %d, counter mismatches %d
                        """, CLIENTS, ATTEMPTS, slots.size(), seconds, ATTEMPTS / seconds, booked / seconds, pct(sorted, 50),
                pct(sorted, 90), pct(sorted, 99), sorted.get(sorted.size() - 1) / 1e6, outcomes, booked, oversold, counterMismatch);
        System.out.println(report);
        Files.createDirectories(Path.of("target/benchmarks"));
        Files.writeString(Path.of("target/benchmarks/booking-surge.txt"), report);

        // A benchmark with any 5xx has failed, however fast it was.
        assertThat(outcomes.keySet()).as("5xx answers: %s", outcomes).noneMatch(o -> o.startsWith("5"));
        assertThat(oversold).isZero();
        assertThat(counterMismatch).isZero();
        // Every slot was attempted at least once, so every place is sold: no attempt was refused while room was left.
        assertThat(booked).isEqualTo(slots.size());
    }

    private static double pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
    }
}
