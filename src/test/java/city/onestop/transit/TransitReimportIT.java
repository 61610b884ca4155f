package city.onestop.transit;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import city.onestop.transit.demo.DemoCity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Re-imports while requests are served: two variants of the demo city differ only in the suffix of every stop and
 * route name, so a response mixing versions would show both suffixes.
 */
@IntegrationTest
class TransitReimportIT {

    @Autowired
    WebTestClient web;

    @Autowired
    AccessTokens tokens;

    @LocalServerPort
    int port;

    @Autowired
    org.springframework.r2dbc.core.DatabaseClient db;

    @Test
    void readersNeverFailNorSeeAMixOfVersionsDuringReimports() throws Exception {
        String feed = "r-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        byte[] a = DemoCity.zip(TransitFixtures.DEMO_START, " (A)");
        byte[] b = DemoCity.zip(TransitFixtures.DEMO_START, " (B)");
        TransitFixtures.upload(web, tokens, feed, a).expectStatus().isCreated();

        var client = WebClient.builder().baseUrl("http://localhost:" + port)
                // One connection per request: see docs/operations.md, "Known issue: pooled keep-alive connections".
                .clientConnector(new org.springframework.http.client.reactive.ReactorClientHttpConnector(
                        reactor.netty.http.client.HttpClient.create(reactor.netty.resources.ConnectionProvider.newConnection())))
                .build();
        AtomicBoolean importing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        List<String> paths = List.of("/api/v1/transit/routes/" + feed + ":2", "/api/v1/transit/stops/" + feed + ":E5",
                "/api/v1/transit/stops?lat=23.13&lon=113.26&radius=1500");

        Mono<Long> readers = Flux.range(0, Integer.MAX_VALUE)
                .takeWhile(i -> importing.get())
                .flatMap(i -> client.get().uri(paths.get(i % paths.size())).exchangeToMono(r -> r.bodyToMono(String.class)
                                .defaultIfEmpty("").map(body -> Map.entry(r.statusCode().value(), body)))
                        // A request that hangs is a failure too; say which one rather than stalling the whole test.
                        .timeout(Duration.ofSeconds(20), Mono.fromSupplier(() -> Map.entry(-1, "no answer in 20 s: "
                                + paths.get(i % paths.size()))))
                        .doOnNext(e -> {
                            if (e.getKey() != 200) problems.add(e.getKey() + " " + e.getValue());
                            boolean hasA = e.getValue().contains(" (A)"), hasB = e.getValue().contains(" (B)");
                            if (hasA && hasB) problems.add("mixed versions: " + e.getValue());
                            if (hasA) seen.add("A");
                            if (hasB) seen.add("B");
                        }), 4)
                .count();
        Mono<Void> imports = Flux.range(0, 2)
                .concatMap(i -> client.post().uri("/api/v1/admin/transit/feeds/{f}/imports", feed)
                        .headers(h -> h.setBearerAuth(TransitFixtures.adminToken(tokens)))
                        .contentType(MediaType.APPLICATION_OCTET_STREAM)
                        .bodyValue(i == 0 ? b : a)
                        .retrieve().toBodilessEntity()
                        .doOnNext(r -> assertThat(r.getStatusCode().value()).isEqualTo(201)))
                .then(Mono.fromRunnable(() -> importing.set(false)));

        Long served = Mono.zip(readers, imports.thenReturn(0)).map(t -> t.getT1()).block(Duration.ofMinutes(3));
        assertThat(problems).isEmpty();
        assertThat(served).isGreaterThan(20);
        assertThat(seen).contains("A", "B");
        // The last import loaded variant A again.
        web.get().uri("/api/v1/transit/stops/{f}:E5", feed).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.name").value(n -> assertThat((String) n).endsWith(" (A)"));
        assertThat(versions(feed, "CURRENT")).isEqualTo(1);
        assertThat(versions(feed, "RETIRED")).isEqualTo(1); // the previous one, kept for requests still on it
    }

    @Test
    void concurrentImportsOfOneFeedRunOneAtATime() {
        String feed = "c-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        byte[] zip = DemoCity.zip(TransitFixtures.DEMO_START, "");
        var client = WebClient.builder().baseUrl("http://localhost:" + port)
                // One connection per request: see docs/operations.md, "Known issue: pooled keep-alive connections".
                .clientConnector(new org.springframework.http.client.reactive.ReactorClientHttpConnector(
                        reactor.netty.http.client.HttpClient.create(reactor.netty.resources.ConnectionProvider.newConnection())))
                .build();
        String token = TransitFixtures.adminToken(tokens);
        List<Integer> statuses = Flux.range(0, 6)
                .flatMap(i -> client.post().uri("/api/v1/admin/transit/feeds/{f}/imports", feed)
                        .headers(h -> h.setBearerAuth(token))
                        .contentType(MediaType.APPLICATION_OCTET_STREAM).bodyValue(zip)
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())), 6)
                .collectList().block(Duration.ofMinutes(2));
        assertThat(statuses).allMatch(s -> s == 201 || s == 409).contains(201);
        long created = statuses.stream().filter(s -> s == 201).count();
        assertThat(imports(feed, "SUCCEEDED")).isEqualTo(created);
        assertThat(imports(feed, "RUNNING")).isZero();
        assertThat(versions(feed, "CURRENT")).isEqualTo(1);
    }

    private long versions(String feed, String status) {
        return db.sql("select count(*) from transit_feed_version where feed_id = :f and status = :s").bind("f", feed)
                .bind("s", status).map(r -> r.get(0, Long.class)).one().block();
    }

    private long imports(String feed, String status) {
        return db.sql("select count(*) from transit_import where feed_id = :f and status = :s").bind("f", feed)
                .bind("s", status).map(r -> r.get(0, Long.class)).one().block();
    }
}
