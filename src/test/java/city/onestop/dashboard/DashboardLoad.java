package city.onestop.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures;
import city.onestop.billing.Utility;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.platform.AccessTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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
 * The dashboard load run (docs/onestop.md). Not part of {@code mvn verify}: its name ends in neither Tests nor IT.
 * {@code mvn -o verify -Dtest=NoSuch -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=DashboardLoad}.
 * {@value #CITIZENS_DEFAULT} citizens, each with a favourite stop and an unpaid bill, call the dashboard from as many
 * concurrent connections: first with every section healthy, then with billing slowed to 2 s for all of them.
 */
@IntegrationTest
class DashboardLoad {

    static final int CITIZENS_DEFAULT = 64;
    static final int CITIZENS = Integer.getInteger("bench.clients", CITIZENS_DEFAULT);
    static final int REQUESTS = Integer.getInteger("bench.requests", 3000);

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired ProviderEndpoint endpoint;
    @Value("${local.server.port}") int port;

    record Result(String name, int requests, double seconds, long[] percentilesMs, Map<String, Long> billing) {
        String line() {
            return String.format("%s: %d requests in %.1f s (%.0f/s); p50 %d ms, p90 %d ms, p99 %d ms, max %d ms; unpaidBills %s",
                    name, requests, seconds, requests / seconds, percentilesMs[0], percentilesMs[1], percentilesMs[2], percentilesMs[3], billing);
        }
    }

    @Test
    void dashboardUnderConcurrentCitizens() throws Exception {
        var billing = new BillingFixtures(web, tokens, db, endpoint);
        String stop = DashboardFixtures.demoStop(web, tokens);
        List<BillingFixtures.Citizen> citizens = new ArrayList<>();
        for (int i = 0; i < CITIZENS; i++) {
            var c = billing.citizen();
            billing.billedAccount(c, Utility.WATER, Integer.toString(5 + i));
            web.put().uri("/api/v1/me/favorites/stops/{s}", stop).headers(h -> h.setBearerAuth(c.token())).exchange()
                    .expectStatus().isCreated();
            citizens.add(c);
        }
        WebClient client = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .clientConnector(new org.springframework.http.client.reactive.ReactorClientHttpConnector(
                        HttpClient.create(ConnectionProvider.builder("dash").maxConnections(CITIZENS).pendingAcquireMaxCount(-1).build())))
                .build();
        run(client, citizens, "warm-up", Math.min(REQUESTS, 500));
        Result healthy = run(client, citizens, "healthy", REQUESTS);
        citizens.forEach(c -> FaultyBillingSummaries.slowFor(c.id(), Duration.ofSeconds(2)));
        Result slow;
        try {
            slow = run(client, citizens, "billing slow (2 s)", REQUESTS);
        } finally {
            citizens.forEach(c -> FaultyBillingSummaries.clear(c.id()));
        }
        String report = healthy.line() + "\n" + slow.line() + "\n";
        System.out.println(report);
        Path out = Path.of("target", "benchmarks", "dashboard.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        assertThat(slow.billing()).containsOnlyKeys("UNAVAILABLE");
        assertThat(slow.percentilesMs()[2]).as("p99 with billing slow stays near the 300 ms section timeout").isLessThan(2000);
    }

    @SuppressWarnings("unchecked")
    Result run(WebClient client, List<BillingFixtures.Citizen> citizens, String name, int requests) {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        Map<String, Long> billingStatus = new ConcurrentHashMap<>();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        Flux.range(0, requests)
                .flatMap(i -> Mono.defer(() -> {
                    long t0 = System.nanoTime();
                    return client.get().uri("/api/v1/me/dashboard").headers(h -> h.setBearerAuth(citizens.get(i % citizens.size()).token()))
                            .retrieve().bodyToMono(Map.class)
                            .doOnNext(body -> {
                                latencies.add((System.nanoTime() - t0) / 1_000_000);
                                String s = (String) ((Map<String, Object>) body.get("unpaidBills")).get("status");
                                billingStatus.merge(s, 1L, Long::sum);
                            })
                            .onErrorResume(e -> {
                                errors.incrementAndGet();
                                return Mono.empty();
                            });
                }), citizens.size())
                .blockLast(Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(errors.get()).as("failed requests").isZero();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        long[] p = {pct(sorted, 0.50), pct(sorted, 0.90), pct(sorted, 0.99), sorted.get(sorted.size() - 1)};
        return new Result(name, requests, seconds, p, new java.util.TreeMap<>(billingStatus));
    }

    static long pct(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
