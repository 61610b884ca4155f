package city.onestop.billing;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures.Billed;
import city.onestop.billing.BillingFixtures.Citizen;
import city.onestop.billing.payment.Reconciler;
import city.onestop.billing.provider.CallbackSignature;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.platform.AccessTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

@IntegrationTest
class BillingPaymentsIT {

    @Autowired
    WebTestClient web;

    @Autowired
    AccessTokens tokens;

    @Autowired
    DatabaseClient db;

    @Autowired
    ProviderEndpoint endpoint;

    @Autowired
    Reconciler reconciler;

    @Autowired
    CallbackSignature signature;

    @LocalServerPort
    int port;

    @org.springframework.boot.test.web.server.LocalManagementPort
    int managementPort;

    BillingFixtures fx;
    ProviderFake provider = ProviderFake.get();

    @BeforeEach
    void setUp() {
        fx = new BillingFixtures(web, tokens, db, endpoint);
        provider.mode(ProviderFake.Mode.APPROVE);
    }

    @AfterEach
    void restoreProvider() {
        provider.mode(ProviderFake.Mode.APPROVE);
    }

    WebTestClient.ResponseSpec pay(Citizen c, UUID billId, String key, String body) {
        var spec = web.post().uri("/api/v1/billing/bills/{b}/payments", billId).headers(h -> h.setBearerAuth(c.token()))
                .contentType(MediaType.APPLICATION_JSON);
        if (key != null) {
            spec = spec.header("Idempotency-Key", key);
        }
        return spec.bodyValue(body).exchange();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> body(WebTestClient.ResponseSpec spec) {
        return spec.expectBody(Map.class).returnResult().getResponseBody();
    }

    @Test
    void paysOnceAndReplaysTheFirstResponseForTheSameKey() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.WATER, "25");
        String key = UUID.randomUUID().toString();
        Map<String, Object> first = body(pay(c, b.billId(), key, "{}").expectStatus().isCreated()
                .expectHeader().doesNotExist("Idempotent-Replayed"));
        assertThat(first.get("status")).isEqualTo("SUCCEEDED");
        assertThat(first.get("amount")).isEqualTo(Map.of("amount", "68.83", "currency", "CNY"));
        assertThat((String) first.get("receiptNumber")).matches("RC\\d{16}");
        Map<String, Object> again = body(pay(c, b.billId(), key, "{}").expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true"));
        assertThat(again).isEqualTo(first);
        assertThat(provider.chargeRequests(first.get("id"))).isEqualTo(1);
        assertThat(fx.billStatus(b.billId())).isEqualTo("PAID");

        // The same key with another body is 422; a new key on a paid bill is 409 BILL_ALREADY_PAID.
        pay(c, b.billId(), key, "{\"channel\":\"WECHAT_PAY\"}").expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.code").isEqualTo("IDEMPOTENCY_KEY_REUSED");
        pay(c, b.billId(), UUID.randomUUID().toString(), "{}").expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("BILL_ALREADY_PAID");

        // Receipt and history.
        web.get().uri("/api/v1/billing/receipts/{n}", first.get("receiptNumber")).headers(h -> h.setBearerAuth(c.token()))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.paymentId").isEqualTo(first.get("id"))
                .jsonPath("$.amount.amount").isEqualTo("68.83");
        web.get().uri("/api/v1/billing/payments").headers(h -> h.setBearerAuth(c.token())).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(1).jsonPath("$.next").doesNotExist();
    }

    @Test
    void paymentWithoutIdempotencyKeyIs400() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.WATER, "25");
        pay(c, b.billId(), null, "{}").expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("IDEMPOTENCY_KEY_MISSING");
        assertThat(fx.count("SELECT count(*) FROM billing_payments WHERE bill_id = :id", b.billId())).isZero();
    }

    @Test
    void malformedAmountsAndChannelsAre400AndWriteNothing() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.WATER, "25");
        for (String bad : List.of("{\"amount\":{\"amount\":\"68.833\",\"currency\":\"CNY\"}}",
                "{\"amount\":{\"amount\":\"-68.83\",\"currency\":\"CNY\"}}",
                "{\"amount\":{\"amount\":\"abc\",\"currency\":\"CNY\"}}",
                "{\"amount\":{\"amount\":\"68.83\",\"currency\":\"USD\"}}")) {
            pay(c, b.billId(), UUID.randomUUID().toString(), bad).expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.code").isEqualTo("INVALID_AMOUNT");
        }
        pay(c, b.billId(), UUID.randomUUID().toString(), "{\"channel\":\"CASH\"}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("INVALID_CHANNEL");
        pay(c, b.billId(), UUID.randomUUID().toString(), "{\"amount\":").expectStatus().isBadRequest();
        pay(c, b.billId(), UUID.randomUUID().toString(), "{\"amount\":{\"amount\":\"10.00\",\"currency\":\"CNY\"}}")
                .expectStatus().isEqualTo(422).expectBody().jsonPath("$.code").isEqualTo("AMOUNT_MISMATCH");
        assertThat(fx.count("SELECT count(*) FROM billing_payments WHERE bill_id = :id", b.billId())).isZero();
        assertThat(provider.totalChargeRequests()).isNotNegative();
        // The exact amount is accepted.
        pay(c, b.billId(), UUID.randomUUID().toString(), "{\"amount\":{\"amount\":\"68.83\",\"currency\":\"CNY\"},\"channel\":\"UNIONPAY\"}")
                .expectStatus().isCreated().expectBody().jsonPath("$.status").isEqualTo("SUCCEEDED")
                .jsonPath("$.channel").isEqualTo("UNIONPAY");
    }

    WebClient concurrentClient(int connections) {
        ConnectionProvider pool = ConnectionProvider.builder("billing-it").maxConnections(connections)
                .pendingAcquireMaxCount(-1).pendingAcquireTimeout(Duration.ofSeconds(60)).build();
        return WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .clientConnector(new org.springframework.http.client.reactive.ReactorClientHttpConnector(HttpClient.create(pool)))
                .build();
    }

    @Test
    void twoHundredConcurrentIdenticalPaymentsChargeOnce() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.ELECTRICITY, "300");
        String key = UUID.randomUUID().toString();
        int before = provider.totalChargeRequests();
        WebClient client = concurrentClient(200);
        List<ResponseEntity<String>> responses = Flux.range(0, 200)
                .flatMap(i -> client.post().uri("/api/v1/billing/bills/{b}/payments", b.billId())
                        .headers(h -> h.setBearerAuth(c.token()))
                        .header("Idempotency-Key", key)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{}")
                        .exchangeToMono(r -> r.toEntity(String.class)), 200)
                .collectList()
                .block(Duration.ofSeconds(120));

        assertThat(responses).hasSize(200);
        assertThat(responses).allSatisfy(r -> assertThat(r.getStatusCode().value()).isIn(201, 409));
        long fresh = responses.stream().filter(r -> r.getStatusCode().value() == 201 && r.getHeaders().get("Idempotent-Replayed") == null).count();
        assertThat(fresh).isEqualTo(1);
        assertThat(responses.stream().filter(r -> r.getStatusCode().value() == 409))
                .allSatisfy(r -> assertThat(r.getBody()).contains("IDEMPOTENCY_IN_PROGRESS"));
        assertThat(provider.totalChargeRequests() - before).isEqualTo(1);
        assertThat(fx.count("SELECT count(*) FROM billing_payments WHERE bill_id = :id", b.billId())).isEqualTo(1);
        assertThat(fx.count("SELECT count(*) FROM billing_receipts WHERE bill_id = :id", b.billId())).isEqualTo(1);
        assertThat(fx.billStatus(b.billId())).isEqualTo("PAID");
    }

    @Test
    void fiftyConcurrentPaymentsWithDifferentKeysSucceedOnce() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.ELECTRICITY, "700");
        int before = provider.totalChargeRequests();
        WebClient client = concurrentClient(50);
        List<ResponseEntity<String>> responses = Flux.range(0, 50)
                .flatMap(i -> client.post().uri("/api/v1/billing/bills/{b}/payments", b.billId())
                        .headers(h -> h.setBearerAuth(c.token()))
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{}")
                        .exchangeToMono(r -> r.toEntity(String.class)), 50)
                .collectList()
                .block(Duration.ofSeconds(120));

        assertThat(responses.stream().filter(r -> r.getStatusCode().value() == 201)).hasSize(1);
        assertThat(responses.stream().filter(r -> r.getStatusCode().value() == 409))
                .hasSize(49)
                .allSatisfy(r -> assertThat(r.getBody()).containsAnyOf("PAYMENT_IN_PROGRESS", "BILL_ALREADY_PAID"));
        assertThat(provider.totalChargeRequests() - before).isEqualTo(1);
        assertThat(fx.count("SELECT count(*) FROM billing_payments WHERE bill_id = :id AND status = 'SUCCEEDED'", b.billId()))
                .isEqualTo(1);
        assertThat(fx.count("SELECT count(*) FROM billing_payments WHERE bill_id = :id", b.billId())).isEqualTo(1);
        assertThat(fx.count("SELECT count(*) FROM billing_receipts WHERE bill_id = :id", b.billId())).isEqualTo(1);
    }

    @Test
    void providerTimeoutIsUnknownThenTheReconcilerSettlesItOnce() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.WATER, "30");
        provider.mode(ProviderFake.Mode.TIMEOUT);
        Map<String, Object> first = body(pay(c, b.billId(), UUID.randomUUID().toString(), "{}").expectStatus().isCreated());
        assertThat(first.get("status")).isEqualTo("UNKNOWN");
        Object paymentId = first.get("id");
        assertThat(fx.billStatus(b.billId())).isEqualTo("ACTIVE");
        provider.mode(ProviderFake.Mode.APPROVE);

        // While UNKNOWN, another payment of the bill is refused: it may already be paid.
        pay(c, b.billId(), UUID.randomUUID().toString(), "{}").expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("PAYMENT_IN_PROGRESS");

        // Make it due now and reconcile: the provider says it succeeded.
        db.sql("UPDATE billing_payments SET next_check_at = now() - interval '1 second' WHERE id = :id")
                .bind("id", UUID.fromString(paymentId.toString())).then().block(Duration.ofSeconds(10));
        reconciler.reconcileDue().block(Duration.ofSeconds(30));
        assertThat(fx.paymentStatus(UUID.fromString(paymentId.toString()))).isEqualTo("SUCCEEDED");
        assertThat(fx.billStatus(b.billId())).isEqualTo("PAID");
        assertThat(fx.count("SELECT count(*) FROM billing_receipts WHERE payment_id = :id", UUID.fromString(paymentId.toString())))
                .isEqualTo(1);
        assertThat(provider.chargeRequests(paymentId)).isEqualTo(1);

        // A late duplicate callback changes nothing.
        String late = "{\"merchantReference\":\"" + paymentId + "\",\"providerReference\":\"x\",\"status\":\"SUCCEEDED\",\"amountFen\":9942,\"currency\":\"CNY\"}";
        callback(late).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("SUCCEEDED");
        String lateFail = "{\"merchantReference\":\"" + paymentId + "\",\"status\":\"DECLINED\"}";
        callback(lateFail).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("SUCCEEDED");
        assertThat(fx.count("SELECT count(*) FROM billing_receipts WHERE payment_id = :id", UUID.fromString(paymentId.toString())))
                .isEqualTo(1);
        assertThat(provider.chargeRequests(paymentId)).isEqualTo(1);
    }

    @Test
    void getOfAnUnknownPaymentRefreshesItFromTheProvider() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.WATER, "21");
        provider.mode(ProviderFake.Mode.ERROR);
        Map<String, Object> first = body(pay(c, b.billId(), UUID.randomUUID().toString(), "{}").expectStatus().isCreated());
        assertThat(first.get("status")).isEqualTo("UNKNOWN");
        // The provider in fact never recorded it; now it has (e.g. it was processed late) and succeeded.
        provider.settle(first.get("id"), "SUCCEEDED");
        web.get().uri("/api/v1/billing/payments/{id}", first.get("id")).headers(h -> h.setBearerAuth(c.token())).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("SUCCEEDED")
                .jsonPath("$.receiptNumber").exists();
    }

    @Test
    void concurrentReconcilersLookAtAPaymentOnlyOnce() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.WATER, "21");
        provider.mode(ProviderFake.Mode.ERROR);
        Map<String, Object> first = body(pay(c, b.billId(), UUID.randomUUID().toString(), "{}").expectStatus().isCreated());
        assertThat(first.get("status")).isEqualTo("UNKNOWN");
        UUID id = UUID.fromString(first.get("id").toString());
        provider.settle(id, "SUCCEEDED");
        db.sql("UPDATE billing_payments SET next_check_at = now() - interval '1 second' WHERE id = :id").bind("id", id).then()
                .block(Duration.ofSeconds(10));
        // Eight reconcilers (think: eight app instances) at once.
        Flux.range(0, 8).flatMap(i -> reconciler.reconcileDue(), 8).collectList().block(Duration.ofSeconds(30));
        assertThat(provider.lookups(id)).isEqualTo(1);
        assertThat(fx.paymentStatus(id)).isEqualTo("SUCCEEDED");
        assertThat(fx.count("SELECT count(*) FROM billing_receipts WHERE payment_id = :id", id)).isEqualTo(1);
    }

    WebTestClient.ResponseSpec callback(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return web.post().uri("/api/v1/billing/provider-callbacks").contentType(MediaType.APPLICATION_JSON)
                .header(CallbackSignature.HEADER, signature.sign(bytes)).bodyValue(bytes).exchange();
    }

    /** The signature with its first hex digit changed: always different from the real one (a fixed "00" prefix was not, 1 time in 256). */
    static String tampered(String signature) {
        char first = signature.charAt(0);
        return (first == '0' ? '1' : '0') + signature.substring(1);
    }

    @Test
    void pendingPaymentIsSettledBySignedCallbackAndBadSignaturesAre401() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.WATER, "27");
        provider.mode(ProviderFake.Mode.PENDING);
        Map<String, Object> first = body(pay(c, b.billId(), UUID.randomUUID().toString(), "{}").expectStatus().isCreated());
        assertThat(first.get("status")).isEqualTo("PENDING");
        String json = "{\"merchantReference\":\"" + first.get("id") + "\",\"providerReference\":\"p1\",\"status\":\"SUCCEEDED\",\"amountFen\":7647,\"currency\":\"CNY\"}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        web.post().uri("/api/v1/billing/provider-callbacks").contentType(MediaType.APPLICATION_JSON)
                .header(CallbackSignature.HEADER, tampered(signature.sign(bytes))).bodyValue(bytes).exchange()
                .expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("INVALID_SIGNATURE");
        web.post().uri("/api/v1/billing/provider-callbacks").contentType(MediaType.APPLICATION_JSON).bodyValue(bytes).exchange()
                .expectStatus().isUnauthorized();
        assertThat(fx.paymentStatus(UUID.fromString(first.get("id").toString()))).isEqualTo("PENDING");
        callback(json).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("SUCCEEDED");
        assertThat(fx.billStatus(b.billId())).isEqualTo("PAID");
        callback(json).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("SUCCEEDED");
        assertThat(fx.count("SELECT count(*) FROM billing_receipts WHERE bill_id = :id", b.billId())).isEqualTo(1);
    }

    @Test
    void callbackWithAnotherAmountMarksThePaymentFailed() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.WATER, "27");
        provider.mode(ProviderFake.Mode.PENDING);
        Map<String, Object> first = body(pay(c, b.billId(), UUID.randomUUID().toString(), "{}").expectStatus().isCreated());
        callback("{\"merchantReference\":\"" + first.get("id") + "\",\"status\":\"SUCCEEDED\",\"amountFen\":1,\"currency\":\"CNY\"}")
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("FAILED");
        assertThat(fx.billStatus(b.billId())).isEqualTo("ACTIVE");
        assertThat(fx.count("SELECT count(*) FROM billing_receipts WHERE bill_id = :id", b.billId())).isZero();
    }

    @Test
    void declinedPaymentFailsAndTheBillCanBePaidAgain() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.WATER, "25");
        provider.mode(ProviderFake.Mode.DECLINE);
        pay(c, b.billId(), UUID.randomUUID().toString(), "{}").expectStatus().isCreated()
                .expectBody().jsonPath("$.status").isEqualTo("FAILED").jsonPath("$.failureReason").isEqualTo("DECLINED");
        provider.mode(ProviderFake.Mode.APPROVE);
        pay(c, b.billId(), UUID.randomUUID().toString(), "{}").expectStatus().isCreated()
                .expectBody().jsonPath("$.status").isEqualTo("SUCCEEDED");
    }

    @Test
    void operatorRefundsUpToWhatWasPaid() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.WATER, "25");
        Map<String, Object> paid = body(pay(c, b.billId(), UUID.randomUUID().toString(), "{}").expectStatus().isCreated());
        Object id = paid.get("id");
        web.post().uri("/api/v1/billing/payments/{id}/refunds", id).headers(h -> h.setBearerAuth(c.token()))
                .bodyValue(Map.of("amount", Map.of("amount", "1.00", "currency", "CNY"))).exchange().expectStatus().isForbidden();
        web.post().uri("/api/v1/billing/payments/{id}/refunds", id).headers(h -> h.setBearerAuth(fx.operatorToken))
                .bodyValue(Map.of("amount", Map.of("amount", "0.83", "currency", "CNY"), "reason", "meter misread"))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("SUCCEEDED").jsonPath("$.refunded.amount").isEqualTo("0.83");
        web.post().uri("/api/v1/billing/payments/{id}/refunds", id).headers(h -> h.setBearerAuth(fx.operatorToken))
                .bodyValue(Map.of("amount", Map.of("amount", "68.01", "currency", "CNY"))).exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.code").isEqualTo("REFUND_EXCEEDS_PAYMENT");
        web.post().uri("/api/v1/billing/payments/{id}/refunds", id).headers(h -> h.setBearerAuth(fx.operatorToken))
                .bodyValue(Map.of("amount", Map.of("amount", "1.001", "currency", "CNY"))).exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("INVALID_AMOUNT");
        web.post().uri("/api/v1/billing/payments/{id}/refunds", id).headers(h -> h.setBearerAuth(fx.operatorToken))
                .bodyValue(Map.of("amount", Map.of("amount", "68.00", "currency", "CNY"))).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("REFUNDED").jsonPath("$.refunded.amount").isEqualTo("68.83");
        assertThat(fx.count("SELECT count(*) FROM billing_refunds WHERE payment_id = :id", UUID.fromString(id.toString()))).isEqualTo(2);
    }

    WebTestClient.ResponseSpec cancel(String token, UUID billId) {
        return web.post().uri("/api/v1/billing/bills/{b}/cancellation", billId).headers(h -> h.setBearerAuth(token)).exchange();
    }

    @Test
    void operatorCancelsAnUnpaidBillWhichThenCannotBePaidAndIsReissued() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.WATER, "25");
        cancel(c.token(), b.billId()).expectStatus().isForbidden();
        cancel(fx.operatorToken, b.billId()).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("CANCELLED");
        cancel(fx.operatorToken, b.billId()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("BILL_NOT_CANCELLABLE");
        pay(c, b.billId(), UUID.randomUUID().toString(), "{}").expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("BILL_NOT_PAYABLE");
        // The period can be billed again.
        fx.generate(BillingFixtures.PERIOD, Utility.WATER);
        assertThat(fx.count("SELECT count(*) FROM billing_bills WHERE account_id = :id AND status = 'ACTIVE'", b.accountId()))
                .isEqualTo(1);
        cancel(fx.operatorToken, UUID.randomUUID()).expectStatus().isNotFound();
    }

    @Test
    void aBillWithAPaymentInProgressOrPaidIsNotCancelled() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.WATER, "25");
        provider.mode(ProviderFake.Mode.PENDING);
        pay(c, b.billId(), UUID.randomUUID().toString(), "{}").expectStatus().isCreated();
        cancel(fx.operatorToken, b.billId()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("PAYMENT_IN_PROGRESS");
        provider.mode(ProviderFake.Mode.APPROVE);
        Billed paid = fx.billedAccount(c, Utility.WATER, "25");
        pay(c, paid.billId(), UUID.randomUUID().toString(), "{}").expectStatus().isCreated();
        cancel(fx.operatorToken, paid.billId()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("BILL_NOT_CANCELLABLE");
    }

    @Test
    void providerCircuitBreakerAndBulkheadAreExportedAsMetrics() {
        String metrics = city.onestop.ManagementClient.on(managementPort).get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(metrics).contains("resilience4j_circuitbreaker_state").contains("resilience4j_bulkhead_available_concurrent_calls")
                .contains("name=\"payment-provider\"");
    }

    @Test
    void historyIsCursorPaginated() {
        Citizen c = fx.citizen();
        for (int i = 0; i < 3; i++) {
            Billed b = fx.billedAccount(c, Utility.WATER, "10");
            pay(c, b.billId(), UUID.randomUUID().toString(), "{}").expectStatus().isCreated();
        }
        Map<String, Object> page1 = body(web.get().uri("/api/v1/billing/payments?limit=2").headers(h -> h.setBearerAuth(c.token()))
                .exchange().expectStatus().isOk());
        assertThat((List<?>) page1.get("items")).hasSize(2);
        assertThat(page1.get("next")).isNotNull();
        Map<String, Object> page2 = body(web.get().uri("/api/v1/billing/payments?limit=2&cursor={c}", page1.get("next"))
                .headers(h -> h.setBearerAuth(c.token())).exchange().expectStatus().isOk());
        assertThat((List<?>) page2.get("items")).hasSize(1);
        assertThat(page2.get("next")).isNull();
        web.get().uri("/api/v1/billing/payments?cursor=garbage!").headers(h -> h.setBearerAuth(c.token())).exchange()
                .expectStatus().isBadRequest();
    }
}
