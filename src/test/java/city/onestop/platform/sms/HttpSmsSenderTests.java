package city.onestop.platform.sms;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.platform.SmsReceipt;
import city.onestop.platform.SmsRejected;
import city.onestop.platform.SmsUnavailable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The SMS client against a real HTTP server: success, rejections, 5xx, timeouts, the breaker, the idempotency key. */
class HttpSmsSenderTests {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T08:00:00Z"), ZoneOffset.UTC);
    static final String PHONE = "+8613800138000";

    MockWebServer server;
    final Queue<MockResponse> answers = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.setDispatcher(new fakes.ScriptedDispatcher(request -> {
            MockResponse next = answers.poll();
            return next != null ? next : new MockResponse.Builder().code(500).body("no answer scripted").build();
        }));
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpSmsSender sender(int retries, int breakerCalls) {
        // Generous per-attempt timeout: the first request of a JVM on a busy machine loads Netty and Jackson.
        return sender(retries, breakerCalls, Duration.ofSeconds(20));
    }

    HttpSmsSender sender(int retries, int breakerCalls, Duration timeout) {
        return new HttpSmsSender(new SmsSettings(server.url("/sms/v1").toString(), "key-123", false, timeout,
                Duration.ofSeconds(5), retries, Duration.ofMillis(10), breakerCalls, breakerCalls, 50f, Duration.ofMinutes(5)),
                CLOCK, new SimpleMeterRegistry());
    }

    static MockResponse accepted(String id) {
        return new MockResponse.Builder().code(202).addHeader("Content-Type", "application/json")
                .body("{\"messageId\":\"" + id + "\",\"acceptedAt\":\"2026-03-01T08:00:01Z\"}").build();
    }

    static MockResponse status(int code) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body("{\"error\":\"x\"}").build();
    }

    @Test
    void postsTheMessageWithKeyAndIdempotencyKeyAndReadsTheReceipt() throws InterruptedException {
        answers.add(accepted("m-1"));
        StepVerifier.create(sender(1, 10).send(PHONE, "验证码 123456", "link-42"))
                .expectNext(new SmsReceipt("m-1", Instant.parse("2026-03-01T08:00:01Z")))
                .expectComplete().verify(Duration.ofSeconds(60));
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getUrl().encodedPath()).isEqualTo("/sms/v1/messages");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer key-123");
        assertThat(request.getHeaders().get("Idempotency-Key")).isEqualTo("link-42");
        assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
        JsonNode body = JsonMapper.builder().build().readTree(request.getBody().utf8());
        assertThat(body.get("to").asString()).isEqualTo(PHONE);
        assertThat(body.get("text").asString()).isEqualTo("验证码 123456");
    }

    @Test
    void aReceiptWithoutTimeIsStampedWithOurClock() {
        answers.add(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body("{\"messageId\":\"m-2\"}").build());
        StepVerifier.create(sender(0, 10).send(PHONE, "hi", "k"))
                .expectNext(new SmsReceipt("m-2", CLOCK.instant()))
                .expectComplete().verify(Duration.ofSeconds(60));
    }

    @Test
    void a4xxIsRejectedAndNotSentAgain() {
        answers.add(status(400));
        answers.add(accepted("never"));
        StepVerifier.create(sender(3, 10).send(PHONE, "hi", "k"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(SmsRejected.class)
                        .satisfies(r -> assertThat(((SmsRejected) r).providerStatus()).isEqualTo(400)))
                .verify(Duration.ofSeconds(60));
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void a5xxIsRetriedWithTheSameIdempotencyKey() throws InterruptedException {
        answers.add(status(503));
        answers.add(accepted("m-3"));
        StepVerifier.create(sender(1, 10).send(PHONE, "hi", "same-key"))
                .assertNext(r -> assertThat(r.providerMessageId()).isEqualTo("m-3"))
                .expectComplete().verify(Duration.ofSeconds(60));
        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Idempotency-Key")).isEqualTo("same-key");
        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Idempotency-Key")).isEqualTo("same-key");
    }

    @Test
    void a5xxThatPersistsIsUnavailableAfterTheRetries() {
        answers.add(status(500));
        answers.add(status(502));
        answers.add(accepted("too-late"));
        StepVerifier.create(sender(1, 10).send(PHONE, "hi", "k"))
                .expectError(SmsUnavailable.class)
                .verify(Duration.ofSeconds(60));
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void tooManyRequestsAtTheProviderIsUnavailableNotRejected() {
        answers.add(status(429));
        StepVerifier.create(sender(0, 10).send(PHONE, "hi", "k"))
                .expectError(SmsUnavailable.class)
                .verify(Duration.ofSeconds(60));
    }

    @Test
    void aSlowProviderTimesOutAsUnavailable() {
        answers.add(new MockResponse.Builder(accepted("slow")).headersDelay(8, TimeUnit.SECONDS).build());
        StepVerifier.create(sender(0, 10, Duration.ofSeconds(2)).send(PHONE, "hi", "k"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(SmsUnavailable.class).hasMessageContaining("in time"))
                .verify(Duration.ofSeconds(60));
    }

    @Test
    void theBreakerOpensAfterFailuresAndThenSendsNothing() {
        HttpSmsSender sender = sender(0, 4);
        for (int i = 0; i < 4; i++) {
            answers.add(status(500));
            StepVerifier.create(sender.send(PHONE, "hi", "k" + i)).expectError(SmsUnavailable.class).verify(Duration.ofSeconds(60));
        }
        int before = server.getRequestCount();
        answers.add(accepted("blocked"));
        StepVerifier.create(sender.send(PHONE, "hi", "k-after"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(SmsUnavailable.class).hasMessageContaining("circuit breaker"))
                .verify(Duration.ofSeconds(60));
        assertThat(server.getRequestCount()).isEqualTo(before);
    }

    @Test
    void rejectedNumbersAreNotSentAndDoNotOpenTheBreaker() {
        HttpSmsSender sender = sender(0, 2);
        for (int i = 0; i < 3; i++) {
            answers.add(status(422));
            StepVerifier.create(sender.send(PHONE, "hi", "k" + i)).expectError(SmsRejected.class).verify(Duration.ofSeconds(60));
        }
        StepVerifier.create(sender.send("13800138000", "hi", "k")).expectError(SmsRejected.class).verify(Duration.ofSeconds(60));
        answers.add(accepted("m-4"));
        StepVerifier.create(sender.send(PHONE, "hi", "k-ok")).expectNextCount(1).expectComplete().verify(Duration.ofSeconds(60));
        assertThat(server.getRequestCount()).isEqualTo(4);
    }

    @Test
    void withoutAProviderEverySendIsUnavailable() {
        HttpSmsSender sender = new HttpSmsSender(new SmsSettings("", "", false, null, null, null, null, 0, 0, 0, null), CLOCK,
                new SimpleMeterRegistry());
        StepVerifier.create(sender.send(PHONE, "hi", "k")).expectError(SmsUnavailable.class).verify(Duration.ofSeconds(60));
    }

    @Test
    void theSimulatedSenderDeliversAKeyOnce() {
        SimulatedSmsSender simulated = new SimulatedSmsSender(CLOCK);
        SmsReceipt first = simulated.send(PHONE, "code 1", "k").block(Duration.ofSeconds(5));
        StepVerifier.create(simulated.send(PHONE, "code 1", "k")).expectNext(first).expectComplete().verify(Duration.ofSeconds(60));
        StepVerifier.create(simulated.send("bad", "x", "k2")).expectError(SmsRejected.class).verify(Duration.ofSeconds(60));
    }
}
