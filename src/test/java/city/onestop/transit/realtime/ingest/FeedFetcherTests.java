package city.onestop.transit.realtime.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.transit.realtime.ingest.FeedFetcher.FailureReason;
import city.onestop.transit.realtime.ingest.FeedFetcher.FetchFailed;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.test.StepVerifier;

class FeedFetcherTests {

    private final FeedServer server = new FeedServer();
    private final LiveFeedProperties.Realtime config = new LiveFeedProperties.Realtime(
            true, Duration.ofSeconds(2), 2, Duration.ofMillis(20), DataSize.ofKilobytes(4), Duration.ofMinutes(5),
            Duration.ofMillis(500), Duration.ofMinutes(2), 10, 5, Duration.ofSeconds(30));
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
            .slidingWindowSize(10)
            .minimumNumberOfCalls(5)
            .waitDurationInOpenState(Duration.ofSeconds(30))
            .build());
    private final FeedFetcher fetcher = new FeedFetcher(WebClient.create(), breakers, config);

    @AfterEach
    void stop() {
        server.close();
    }

    private FeedFetcher.Fetch fetch(String path, FeedFetcher.Validators validators) {
        return fetcher.fetch("f", FeedKind.TRIP_UPDATES, server.url(path), validators).block(Duration.ofSeconds(10));
    }

    private FetchFailed failure(String path) {
        FetchFailed[] failed = new FetchFailed[1];
        StepVerifier.create(fetcher.fetch("f", FeedKind.TRIP_UPDATES, server.url(path), FeedFetcher.Validators.NONE))
                .expectErrorSatisfies(e -> failed[0] = (FetchFailed) e)
                .verify(Duration.ofSeconds(30));
        return failed[0];
    }

    @Test
    void sendsTheEtagBackAndTakesA304AsNotModified() {
        server.serve("/tu.pb", new byte[] {1, 2, 3}, "\"v1\"");

        var first = (FeedFetcher.Fetched) fetch("/tu.pb", FeedFetcher.Validators.NONE);
        assertThat(first.body()).containsExactly(1, 2, 3);
        assertThat(first.validators().etag()).isEqualTo("\"v1\"");
        assertThat(fetch("/tu.pb", first.validators())).isInstanceOf(FeedFetcher.NotModified.class);
        assertThat(server.requests.get(1).getHeaders().get("If-None-Match")).isEqualTo("\"v1\"");
    }

    @Test
    void sendsIfModifiedSinceWhenTheServerGaveLastModified() {
        String lastModified = "Thu, 06 Nov 2025 21:04:14 GMT";
        server.answer("/vp.pb", r -> lastModified.equals(r.getHeaders().get("If-Modified-Since"))
                ? new MockResponse.Builder().code(304).build()
                : new MockResponse.Builder().code(200).addHeader("Last-Modified", lastModified).body("x").build());

        var first = (FeedFetcher.Fetched) fetch("/vp.pb", FeedFetcher.Validators.NONE);
        assertThat(fetch("/vp.pb", first.validators())).isInstanceOf(FeedFetcher.NotModified.class);
    }

    @Test
    void retriesA500AndSucceedsWhenTheServerRecovers() {
        var calls = new java.util.concurrent.atomic.AtomicInteger();
        server.answer("/tu.pb", r -> calls.incrementAndGet() == 1
                ? new MockResponse.Builder().code(503).build()
                : new MockResponse.Builder().code(200).body("ok").build());

        assertThat(fetch("/tu.pb", FeedFetcher.Validators.NONE)).isInstanceOf(FeedFetcher.Fetched.class);
        assertThat(server.count("/tu.pb")).isEqualTo(2);
    }

    @Test
    void givesUpAfterTheConfiguredRetriesOnPersistent500s() {
        server.fail("/tu.pb", 500);

        assertThat(failure("/tu.pb").reason).isEqualTo(FailureReason.HTTP_SERVER_ERROR);
        // Attempts counted on the client side (each passes the breaker once).
        assertThat(fetcher.breaker("f", FeedKind.TRIP_UPDATES).getMetrics().getNumberOfFailedCalls())
                .isEqualTo(1 + config.retries());
    }

    @Test
    void doesNotRetryA404() {
        server.fail("/tu.pb", 404);

        assertThat(failure("/tu.pb").reason).isEqualTo(FailureReason.HTTP_CLIENT_ERROR);
        assertThat(server.count("/tu.pb")).isEqualTo(1);
    }

    @Test
    void timesOutAnAttemptThatHangsAndRetriesIt() {
        server.answer("/tu.pb", r -> new MockResponse.Builder()
                .code(200)
                .headersDelay(6, TimeUnit.SECONDS)
                .body("late")
                .build());

        assertThat(failure("/tu.pb").reason).isEqualTo(FailureReason.TIMEOUT);
        // Counted on the client side: the fake server may still be sleeping on an abandoned request.
        assertThat(fetcher.breaker("f", FeedKind.TRIP_UPDATES).getMetrics().getNumberOfFailedCalls())
                .isEqualTo(1 + config.retries());
    }

    @Test
    void rejectsABodyOverTheLimitWithOrWithoutContentLength() {
        byte[] big = new byte[(int) config.maxBodySize().toBytes() + 1];
        server.serve("/declared.pb", big);
        server.answer("/chunked.pb", r -> new MockResponse.Builder()
                .code(200)
                .chunkedBody(new Buffer().write(big), 512)
                .build());

        assertThat(failure("/declared.pb").reason).isEqualTo(FailureReason.TOO_LARGE);
        assertThat(failure("/chunked.pb").reason).isEqualTo(FailureReason.TOO_LARGE);
        // Not transient: asking again would give the same oversized body.
        assertThat(server.count("/chunked.pb")).isEqualTo(1);
    }

    @Test
    void opensTheCircuitAfterRepeatedFailuresAndStopsCallingTheServer() {
        server.fail("/tu.pb", 500);
        CircuitBreaker breaker = fetcher.breaker("f", FeedKind.TRIP_UPDATES);

        // minimumNumberOfCalls(5) failed attempts open it; each fetch makes 1 + retries attempts.
        failure("/tu.pb");
        failure("/tu.pb");
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        long before = server.count("/tu.pb");

        assertThat(failure("/tu.pb").reason).isEqualTo(FailureReason.CIRCUIT_OPEN);
        assertThat(server.count("/tu.pb")).isEqualTo(before);
        assertThat(List.of(breaker.getMetrics().getNumberOfFailedCalls())).containsExactly(5);
    }
}
