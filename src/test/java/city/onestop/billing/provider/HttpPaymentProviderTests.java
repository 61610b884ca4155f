package city.onestop.billing.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The provider client against a real HTTP server: timeouts, 5xx, declines, the circuit breaker and the bulkhead. */
class HttpPaymentProviderTests {

    MockWebServer server;
    volatile MockResponse next;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.setDispatcher(new fakes.ScriptedDispatcher(request -> next));
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpPaymentProvider provider(int bulkhead, int window) {
        ProviderSettings settings = new ProviderSettings("", "", "secret", Duration.ofSeconds(2), Duration.ofSeconds(1), bulkhead,
                window, window, 50f, Duration.ofMinutes(1));
        ProviderEndpoint endpoint = new ProviderEndpoint(settings, new StaticListableBeanFactory().getBeanProvider(SimulatedProvider.class));
        endpoint.use(server.url("/p").uri());
        return new HttpPaymentProvider(endpoint, settings, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    static MockResponse json(String status, long amount) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body("{\"providerReference\":\"r1\",\"status\":\"" + status + "\",\"amountFen\":" + amount + "}").build();
    }

    PaymentProvider.ChargeRequest charge() {
        return new PaymentProvider.ChargeRequest(UUID.randomUUID(), 100, "CNY", "ALIPAY", "");
    }

    @Test
    void sendsThePaymentIdAsIdempotencyKeyAndReadsTheOutcome() throws InterruptedException {
        next = json("SUCCEEDED", 100);
        PaymentProvider.ChargeRequest request = charge();
        StepVerifier.create(provider(8, 10).charge(request))
                .assertNext(p -> {
                    assertThat(p.status()).isEqualTo(PaymentProvider.Status.SUCCEEDED);
                    assertThat(p.amountFen()).isEqualTo(100);
                })
                .verifyComplete();
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.getHeaders().get("Idempotency-Key")).isEqualTo(request.paymentId().toString());
        assertThat(recorded.getBody().utf8()).contains("\"merchantReference\":\"" + request.paymentId() + "\"");
    }

    @Test
    void aTimeoutIsOutcomeUnknownNotAFailure() {
        next = new MockResponse.Builder(json("SUCCEEDED", 100)).headersDelay(4, TimeUnit.SECONDS).build();
        StepVerifier.create(provider(8, 10).charge(charge()))
                .expectError(PaymentProvider.OutcomeUnknown.class)
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void a5xxIsOutcomeUnknownAnd4xxIsADecline() {
        HttpPaymentProvider provider = provider(8, 10);
        next = new MockResponse.Builder().code(503).build();
        StepVerifier.create(provider.charge(charge())).expectError(PaymentProvider.OutcomeUnknown.class).verify(Duration.ofSeconds(10));
        next = new MockResponse.Builder().code(400).build();
        StepVerifier.create(provider.charge(charge()))
                .assertNext(p -> assertThat(p.status()).isEqualTo(PaymentProvider.Status.DECLINED))
                .verifyComplete();
    }

    @Test
    void aLookupOfAPaymentTheProviderNeverSawIsEmpty() {
        next = new MockResponse.Builder().code(404).build();
        StepVerifier.create(provider(8, 10).find(UUID.randomUUID())).expectComplete().verify(Duration.ofSeconds(10));
    }

    @Test
    void anOpenCircuitStopsCallingTheProvider() {
        HttpPaymentProvider provider = provider(8, 4);
        next = new MockResponse.Builder().code(500).build();
        for (int i = 0; i < 4; i++) {
            StepVerifier.create(provider.charge(charge())).expectError(PaymentProvider.OutcomeUnknown.class).verify(Duration.ofSeconds(10));
        }
        int received = server.getRequestCount();
        StepVerifier.create(provider.charge(charge())).expectError(PaymentProvider.ProviderUnavailable.class).verify(Duration.ofSeconds(10));
        assertThat(server.getRequestCount()).isEqualTo(received);
    }

    @Test
    void theBulkheadRefusesCallsBeyondItsLimitWithoutSendingThem() {
        HttpPaymentProvider provider = provider(2, 100);
        next = new MockResponse.Builder(json("SUCCEEDED", 100)).headersDelay(500, TimeUnit.MILLISECONDS).build();
        var outcomes = Flux.range(0, 6)
                .flatMap(i -> provider.charge(charge()).map(p -> "ok").onErrorResume(e -> reactor.core.publisher.Mono.just(
                        e instanceof PaymentProvider.ProviderUnavailable ? "refused" : "other")), 6)
                .collectList()
                .block(Duration.ofSeconds(10));
        assertThat(outcomes).filteredOn("ok"::equals).hasSize(2);
        assertThat(outcomes).filteredOn("refused"::equals).hasSize(4);
        assertThat(server.getRequestCount()).isEqualTo(2);
    }
}
