package city.onestop.billing;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures.Billed;
import city.onestop.billing.BillingFixtures.Citizen;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.platform.AccessTokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refunds with an Idempotency-Key: a retried refund happens once (one row, one refund id sent to the provider), a reused
 * key with another body is 422, a key in flight 409, and a refund whose client went away while the provider was being
 * asked is resumed by its retry with the same refund id, never reserved twice.
 */
@IntegrationTest
class BillingRefundsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    WebTestClient web;

    @Autowired
    AccessTokens tokens;

    @Autowired
    DatabaseClient db;

    @Autowired
    ProviderEndpoint endpoint;

    @LocalServerPort
    int port;

    BillingFixtures fx;
    ProviderFake provider = ProviderFake.get();
    ProviderFake.RefundHold hold;

    @BeforeEach
    void setUp() {
        fx = new BillingFixtures(web, tokens, db, endpoint);
        provider.mode(ProviderFake.Mode.APPROVE);
    }

    @AfterEach
    void releaseProvider() {
        if (hold != null) {
            hold.release();
        }
    }

    /** A fresh WATER bill of 68.83 paid by a fresh citizen; the payment's id. */
    UUID paidPayment() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.WATER, "25");
        Object id = web.post().uri("/api/v1/billing/bills/{b}/payments", b.billId()).headers(h -> h.setBearerAuth(c.token()))
                .header("Idempotency-Key", UUID.randomUUID().toString()).contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");
        return UUID.fromString(id.toString());
    }

    static String refundBody(String amount, String reason) {
        return "{\"amount\":{\"amount\":\"" + amount + "\",\"currency\":\"CNY\"},\"reason\":\"" + reason + "\"}";
    }

    WebClient client(int connections) {
        ConnectionProvider pool = ConnectionProvider.builder("refunds-it").maxConnections(connections)
                .pendingAcquireMaxCount(-1).pendingAcquireTimeout(Duration.ofSeconds(60)).build();
        return WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .clientConnector(new org.springframework.http.client.reactive.ReactorClientHttpConnector(HttpClient.create(pool)))
                .build();
    }

    reactor.core.publisher.Mono<ResponseEntity<String>> refund(WebClient client, UUID paymentId, String key, String body) {
        return client.post().uri("/api/v1/billing/payments/{id}/refunds", paymentId)
                .headers(h -> h.setBearerAuth(fx.operatorToken))
                .header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchangeToMono(r -> r.toEntity(String.class));
    }

    long refundRows(UUID paymentId) {
        return fx.count("SELECT count(*) FROM billing_refunds WHERE payment_id = :id", paymentId);
    }

    long refundedFen(UUID paymentId) {
        return fx.count("SELECT refunded_fen FROM billing_payments WHERE id = :id", paymentId);
    }

    long claimsOf(String key) {
        return db.sql("SELECT count(*) FROM idempotency_keys WHERE key = :k AND state = 'IN_PROGRESS'").bind("k", key)
                .map(r -> ((Number) r.get(0)).longValue()).one().block(Duration.ofSeconds(10));
    }

    static String code(ResponseEntity<String> response) {
        return JSON.readTree(response.getBody()).path("code").asString("");
    }

    @Test
    void fiftyConcurrentRefundsWithOneKeyRefundOnce() {
        UUID paymentId = paidPayment();
        String key = UUID.randomUUID().toString();
        String body = refundBody("10.00", "meter misread");
        WebClient client = client(50);

        List<ResponseEntity<String>> responses = Flux.range(0, 50)
                .flatMap(i -> refund(client, paymentId, key, body), 50)
                .collectList()
                .block(Duration.ofSeconds(120));

        assertThat(responses).hasSize(50);
        assertThat(responses).allSatisfy(r -> assertThat(r.getStatusCode().value()).isIn(200, 409));
        assertThat(responses.stream().filter(r -> r.getStatusCode().value() == 409))
                .allSatisfy(r -> assertThat(code(r)).isEqualTo("IDEMPOTENCY_IN_PROGRESS"));
        List<ResponseEntity<String>> fresh = responses.stream()
                .filter(r -> r.getStatusCode().value() == 200 && r.getHeaders().get("Idempotent-Replayed") == null).toList();
        assertThat(fresh).hasSize(1);
        JsonNode first = JSON.readTree(fresh.get(0).getBody());
        assertThat(first.path("refunded").path("amount").asString()).isEqualTo("10.00");
        assertThat(responses.stream().filter(r -> r.getStatusCode().value() == 200))
                .allSatisfy(r -> assertThat(JSON.readTree(r.getBody())).isEqualTo(first));

        // Once settled, the retry replays; another body with the key is 422. Still one refund, sent once.
        ResponseEntity<String> again = refund(client, paymentId, key, body).block(Duration.ofSeconds(30));
        assertThat(again.getStatusCode().value()).isEqualTo(200);
        assertThat(again.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(JSON.readTree(again.getBody())).isEqualTo(first);
        ResponseEntity<String> other = refund(client, paymentId, key, refundBody("11.00", "meter misread")).block(Duration.ofSeconds(30));
        assertThat(other.getStatusCode().value()).isEqualTo(422);
        assertThat(code(other)).isEqualTo("IDEMPOTENCY_KEY_REUSED");

        assertThat(refundRows(paymentId)).isEqualTo(1);
        assertThat(refundedFen(paymentId)).isEqualTo(1000);
        assertThat(provider.refundReferences(paymentId)).hasSize(1);
        assertThat(fx.count("SELECT count(*) FROM outbox_events WHERE type LIKE '%PaymentRefunded' AND payload->>'paymentId' = :id",
                paymentId.toString())).isEqualTo(1);
        assertThat(claimsOf(key)).isZero();
    }

    @Test
    void aRefundInFlightIs409ForItsKeyAndOtherKeysStillRefund() throws Exception {
        UUID paymentId = paidPayment();
        String key = UUID.randomUUID().toString();
        String body = refundBody("5.00", "");
        WebClient client = client(4);
        hold = provider.holdRefunds();

        CompletableFuture<ResponseEntity<String>> first = refund(client, paymentId, key, body).toFuture();
        assertThat(hold.awaitArrival(Duration.ofSeconds(30))).as("the first refund reached the provider").isTrue();
        ResponseEntity<String> meanwhile = refund(client, paymentId, key, body).block(Duration.ofSeconds(30));
        assertThat(meanwhile.getStatusCode().value()).isEqualTo(409);
        assertThat(code(meanwhile)).isEqualTo("IDEMPOTENCY_IN_PROGRESS");
        hold.release();

        assertThat(first.get(60, java.util.concurrent.TimeUnit.SECONDS).getStatusCode().value()).isEqualTo(200);
        // Without a key a refund is refused only by the amount left, as before.
        ResponseEntity<String> keyless = client.post().uri("/api/v1/billing/payments/{id}/refunds", paymentId)
                .headers(h -> h.setBearerAuth(fx.operatorToken)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(refundBody("5.00", "")).exchangeToMono(r -> r.toEntity(String.class)).block(Duration.ofSeconds(30));
        assertThat(keyless.getStatusCode().value()).isEqualTo(200);
        assertThat(refundRows(paymentId)).isEqualTo(2);
        assertThat(refundedFen(paymentId)).isEqualTo(1000);
        assertThat(provider.refundReferences(paymentId)).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void aRefundWhoseClientWentAwayIsResumedByItsRetryWithTheSameRefundId() throws Exception {
        UUID paymentId = paidPayment();
        String key = UUID.randomUUID().toString();
        String body = refundBody("68.83", "duplicate charge");
        WebClient client = client(4);
        hold = provider.holdRefunds();

        Disposable abandoned = refund(client, paymentId, key, body).subscribe();
        assertThat(hold.awaitArrival(Duration.ofSeconds(30))).as("the refund reached the provider").isTrue();
        abandoned.dispose();
        // The cancel releases the claim (usingWhen cleanup); the refund row and its reservation stay.
        assertThat(eventually(() -> claimsOf(key) == 0)).as("claim released after the client went away").isTrue();
        hold.release();

        ResponseEntity<String> retry = refund(client, paymentId, key, body).block(Duration.ofSeconds(30));
        assertThat(retry.getStatusCode().value()).isEqualTo(200);
        assertThat(JSON.readTree(retry.getBody()).path("status").asString()).isEqualTo("REFUNDED");
        assertThat(refundRows(paymentId)).isEqualTo(1);
        assertThat(refundedFen(paymentId)).isEqualTo(6883);
        // Sent twice, as one refund: the provider deduplicates by the refund reference.
        assertThat(provider.refundReferences(paymentId)).hasSize(2).containsOnly(provider.refundReferences(paymentId).get(0));
        ResponseEntity<String> replay = refund(client, paymentId, key, body).block(Duration.ofSeconds(30));
        assertThat(replay.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(provider.refundReferences(paymentId)).hasSize(2);
    }

    private static boolean eventually(Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
