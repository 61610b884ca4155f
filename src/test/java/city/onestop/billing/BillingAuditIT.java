package city.onestop.billing;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures.Billed;
import city.onestop.billing.BillingFixtures.Citizen;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.AuditRows;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

@IntegrationTest
class BillingAuditIT {

    @Autowired
    WebTestClient web;

    @Autowired
    AccessTokens tokens;

    @Autowired
    DatabaseClient db;

    @Autowired
    ProviderEndpoint endpoint;

    BillingFixtures fx;
    AuditRows audit;
    ProviderFake provider = ProviderFake.get();

    @BeforeEach
    void setUp() {
        fx = new BillingFixtures(web, tokens, db, endpoint);
        audit = new AuditRows(db);
        provider.mode(ProviderFake.Mode.APPROVE);
    }

    @AfterEach
    void restoreProvider() {
        provider.mode(ProviderFake.Mode.APPROVE);
    }

    private WebTestClient.ResponseSpec pay(Citizen c, UUID billId, String key, String requestId) {
        return web.post().uri("/api/v1/billing/bills/{b}/payments", billId).headers(h -> h.setBearerAuth(c.token()))
                .header("Idempotency-Key", key).header("X-Request-Id", requestId)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange();
    }

    @Test
    void aPaymentIsAuditedWithTheRequestIdAndShownInMyActivity() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.WATER, "25");
        String requestId = "audit-pay-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        String paymentId = (String) pay(c, b.billId(), key, requestId).expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");
        // A replay and a refused second payment write no audit rows.
        pay(c, b.billId(), key, "replay-" + UUID.randomUUID()).expectStatus().isCreated();
        pay(c, b.billId(), UUID.randomUUID().toString(), "again-" + UUID.randomUUID()).expectStatus().isEqualTo(409);

        List<AuditRows.Row> rows = audit.byTarget("payment:" + paymentId);
        assertThat(rows).extracting(AuditRows.Row::action).containsExactly("PAYMENT_CREATED", "PAYMENT_SUCCEEDED");
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.actorId()).isEqualTo(c.id());
            assertThat(r.requestId()).isEqualTo(requestId);
            assertThat(r.outcome()).isEqualTo("SUCCESS");
            assertThat(r.target()).isEqualTo("payment:" + paymentId + " bill:" + b.billId());
        });
        assertThat(audit.byTarget("bill:" + b.billId())).hasSize(2);

        Map<?, ?> page = web.get().uri("/api/v1/me/activity").headers(h -> h.setBearerAuth(c.token())).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(AuditRows.actions(page)).containsExactly("PAYMENT_SUCCEEDED", "PAYMENT_CREATED", "ACCOUNT_LINKED");
    }

    @Test
    void aDeclinedPaymentIsAuditedAsAFailure() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.WATER, "25");
        provider.mode(ProviderFake.Mode.DECLINE);
        String paymentId = (String) pay(c, b.billId(), UUID.randomUUID().toString(), "d-" + UUID.randomUUID())
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");

        List<AuditRows.Row> rows = audit.byTarget("payment:" + paymentId);
        assertThat(rows).extracting(AuditRows.Row::action).containsExactly("PAYMENT_CREATED", "PAYMENT_FAILED");
        assertThat(rows.get(1).outcome()).isEqualTo("FAILURE");
    }

    @Test
    void accountLinksUnlinksAndFailedVerificationsAreAudited() {
        Citizen c = fx.citizen();
        String number = BillingFixtures.accountNumber();
        fx.createAccount(Utility.ELECTRICITY, number, 3);
        web.post().uri("/api/v1/billing/accounts/links").headers(h -> h.setBearerAuth(c.token()))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("utility", "ELECTRICITY", "accountNumber", number, "holderName", "Someone Else", "holderIdLast4", "0000"))
                .exchange().expectStatus().isNotFound();
        UUID account = fx.link(c, Utility.ELECTRICITY, number);
        web.delete().uri("/api/v1/billing/accounts/{a}/link", account).headers(h -> h.setBearerAuth(c.token())).exchange()
                .expectStatus().isNoContent();

        assertThat(audit.byActor(c.id())).extracting(AuditRows.Row::action, AuditRows.Row::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("ACCOUNT_LINK_FAILED", "FAILURE"),
                org.assertj.core.groups.Tuple.tuple("ACCOUNT_LINKED", "SUCCESS"),
                org.assertj.core.groups.Tuple.tuple("ACCOUNT_UNLINKED", "SUCCESS"));
        assertThat(audit.byTarget("account:" + account)).extracting(AuditRows.Row::action)
                .containsExactly("UTILITY_ACCOUNT_CREATED", "ACCOUNT_LINKED", "ACCOUNT_UNLINKED");
    }

    @Test
    void refundsAndCancellationsAreAuditedAsTheOperator() {
        Citizen c = fx.citizen();
        Billed paid = fx.billedAccount(c, Utility.WATER, "25");
        String paymentId = (String) pay(c, paid.billId(), UUID.randomUUID().toString(), "p-" + UUID.randomUUID())
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
        web.post().uri("/api/v1/billing/payments/{id}/refunds", paymentId).headers(h -> h.setBearerAuth(fx.operatorToken))
                .bodyValue(Map.of("amount", Map.of("amount", "1.00", "currency", "CNY"), "reason", "audit test"))
                .exchange().expectStatus().isOk();
        Billed unpaid = fx.billedAccount(fx.citizen(), Utility.ELECTRICITY, "10");
        web.post().uri("/api/v1/billing/bills/{b}/cancellation", unpaid.billId()).headers(h -> h.setBearerAuth(fx.operatorToken))
                .exchange().expectStatus().isOk();

        AuditRows.Row refund = AuditRows.last(audit.byTarget("payment:" + paymentId));
        assertThat(refund.action()).isEqualTo("PAYMENT_REFUNDED");
        assertThat(refund.actorRole()).isEqualTo("UTILITY_OPERATOR");
        assertThat(refund.actorId()).isNotEqualTo(c.id());
        AuditRows.Row cancel = AuditRows.last(audit.byTarget("bill:" + unpaid.billId()));
        assertThat(cancel.action()).isEqualTo("BILL_CANCELLED");
        assertThat(cancel.actorId()).isEqualTo(refund.actorId());
    }
}
