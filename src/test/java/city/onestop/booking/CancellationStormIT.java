package city.onestop.booking;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures;
import city.onestop.billing.BillingFixtures.Billed;
import city.onestop.billing.ProviderFake;
import city.onestop.billing.Utility;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.platform.AccessTokens;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Clients that give up: failing bookings and payments abandoned 5–200 ms after they were sent, so the server sees
 * cancels in every phase (in the advisory lock, mid-transaction, during the provider call, in the error path).
 * Afterwards the R2DBC pool (at its production size, 32) has every connection back, no idempotency claim is left
 * IN_PROGRESS, and a keep-alive client gets an answer to every request.
 */
@IntegrationTest
class CancellationStormIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired Clock clock;
    @Autowired ProviderEndpoint endpoint;
    @Autowired ConnectionFactory connections;
    @Value("${local.server.port}") int port;
    @Value("${spring.r2dbc.pool.max-size}") int poolSize;

    final ProviderFake provider = ProviderFake.get();

    @AfterEach
    void restoreProvider() {
        provider.mode(ProviderFake.Mode.APPROVE);
    }

    @Test
    void abandonedFailingBookingsAndPaymentsLeaveNoConnectionNoClaimAndNoSilence() {
        assertThat(poolSize).isEqualTo(32);
        BookingFixture f = new BookingFixture(web, tokens, db, clock);
        BillingFixtures bx = new BillingFixtures(web, tokens, db, endpoint);

        UUID slot = f.session(f.hospital(), 1, 1).slotIds().get(0);
        f.bookOk(f.citizen(UUID.randomUUID()), slot);
        List<UUID> bookers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            bookers.add(UUID.randomUUID());
        }
        List<String> bookerTokens = bookers.stream().map(f::citizen).toList();
        BillingFixtures.Citizen payer = bx.citizen();
        List<Billed> bills = List.of(bx.billedAccount(payer, Utility.WATER, "20"), bx.billedAccount(payer, Utility.ELECTRICITY, "120"));
        provider.mode(ProviderFake.Mode.SLOW_DECLINE);

        WebClient storm = client(64);
        Random random = new Random(11);
        List<Duration> patience = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            patience.add(Duration.ofMillis(5 + random.nextInt(196)));
        }
        List<String> outcomes = Flux.range(0, 600)
                .flatMap(i -> {
                    Supplier<WebClient.RequestHeadersSpec<?>> request = switch (i % 6) {
                        // A declined payment (the provider answers after 150 ms).
                        case 0, 3 -> () -> pay(storm, payer, bills.get(i % 2).billId(), "{}");
                        // A payment refused after its claim: the amount is not the bill's.
                        case 1 -> () -> pay(storm, payer, bills.get(i % 2).billId(),
                                "{\"amount\":{\"amount\":\"0.01\",\"currency\":\"CNY\"}}");
                        // A booking of a full slot.
                        default -> () -> storm.post().uri("/api/v1/booking/appointments")
                                .headers(h -> h.setBearerAuth(bookerTokens.get(i % bookerTokens.size())))
                                .header("Idempotency-Key", UUID.randomUUID().toString())
                                .bodyValue(Map.of("slotId", slot));
                    };
                    return BookingFixture.outcome(request.get())
                            .timeout(patience.get(i))
                            .onErrorResume(TimeoutException.class, e -> Mono.just("abandoned"));
                }, 64)
                .collectList()
                .block(Duration.ofSeconds(180));
        provider.mode(ProviderFake.Mode.APPROVE);

        Map<String, Long> counts = outcomes.stream().collect(Collectors.groupingBy(o -> o.split(" ")[0], Collectors.counting()));
        assertThat(counts.get("abandoned")).as("requests abandoned by their clients: %s", counts).isGreaterThan(50);
        assertThat(outcomes).as("answers: %s", counts).noneMatch(o -> o.startsWith("5"));

        assertThat(eventually(() -> acquired() == 0)).as("R2DBC connections still checked out: %s", acquired()).isTrue();
        List<UUID> principals = new ArrayList<>(bookers);
        principals.add(payer.id());
        assertThat(eventually(() -> inProgress(principals) == 0)).as("IN_PROGRESS claims left: %s", inProgress(principals)).isTrue();
        assertThat(f.booked(slot)).isEqualTo(1);
        assertThat(f.count("SELECT count(*) FROM appointments WHERE slot_id = :p0", slot)).isEqualTo(1);

        // Every request on kept-alive connections gets its answer (each one touches PostgreSQL).
        WebClient keepAlive = client(8);
        List<Integer> statuses = Flux.range(0, 400)
                .flatMap(i -> keepAlive.get().uri("/api/v1/billing/bills").headers(h -> h.setBearerAuth(payer.token()))
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                        .timeout(Duration.ofSeconds(20)), 16)
                .collectList()
                .block(Duration.ofSeconds(120));
        assertThat(statuses).hasSize(400).containsOnly(200);
    }

    @Test
    void everyConnectionHasStatementAndIdleInTransactionTimeouts() {
        Map<String, Object> settings = db.sql("SELECT current_setting('statement_timeout') AS statement, "
                        + "current_setting('idle_in_transaction_session_timeout') AS idle")
                .fetch().one().block(Duration.ofSeconds(10));
        assertThat(settings).containsEntry("statement", "1min").containsEntry("idle", "1min");
    }

    private static WebClient.RequestHeadersSpec<?> pay(WebClient client, BillingFixtures.Citizen payer, UUID billId, String body) {
        return client.post().uri("/api/v1/billing/bills/{b}/payments", billId)
                .headers(h -> h.setBearerAuth(payer.token()))
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body);
    }

    private WebClient client(int connections) {
        ConnectionProvider pool = ConnectionProvider.builder("storm-" + connections).maxConnections(connections)
                .pendingAcquireMaxCount(-1).pendingAcquireTimeout(Duration.ofSeconds(60)).build();
        return WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool)))
                .build();
    }

    private int acquired() {
        ConnectionFactory cf = connections;
        while (!(cf instanceof ConnectionPool) && cf instanceof Wrapped<?> w) {
            cf = (ConnectionFactory) w.unwrap();
        }
        return ((ConnectionPool) cf).getMetrics().orElseThrow().acquiredSize();
    }

    private long inProgress(List<UUID> principals) {
        return db.sql("SELECT count(*) FROM idempotency_keys WHERE state = 'IN_PROGRESS' AND principal = ANY(:p)")
                .bind("p", principals.toArray(UUID[]::new))
                .map(r -> ((Number) r.get(0)).longValue())
                .one()
                .block(Duration.ofSeconds(10));
    }

    /** Polls a condition for up to 30 s (background jobs hold a connection for milliseconds at a time). */
    private static boolean eventually(Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
