package city.onestop.billing;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures.Billed;
import city.onestop.billing.BillingFixtures.Citizen;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.platform.AccessTokens;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Paying a parent's bill by the account number on it: no link, no history, limited lookups. */
@IntegrationTest
class BillingPayForOthersIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired ProviderEndpoint endpoint;

    BillingFixtures fx;

    @BeforeEach
    void setUp() {
        fx = new BillingFixtures(web, tokens, db, endpoint);
        ProviderFake.get().mode(ProviderFake.Mode.APPROVE);
    }

    WebTestClient.ResponseSpec lookUp(Citizen who, Object utility, Object number) {
        return web.post().uri("/api/v1/billing/bill-lookups").headers(h -> h.setBearerAuth(who.token()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("utility", utility, "accountNumber", number)).exchange();
    }

    WebTestClient.ResponseSpec pay(Citizen who, UUID billId) {
        return web.post().uri("/api/v1/billing/bills/{b}/payments", billId).headers(h -> h.setBearerAuth(who.token()))
                .header("Idempotency-Key", UUID.randomUUID().toString()).contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange();
    }

    static Map<String, Object> body(WebTestClient.ResponseSpec spec) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = spec.expectBody(Map.class).returnResult().getResponseBody();
        return m;
    }

    static void problem(WebTestClient.ResponseSpec spec, HttpStatus status, String code) {
        spec.expectStatus().isEqualTo(status).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo(code);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aChildPaysAParentsBillByItsNumberAndSeesNothingElseOfTheAccount() {
        Citizen parent = fx.citizen();
        // The fixture's bill: 20 m³, all in the seeded first water band (0–21 m³ at 2.55): 20 × 2.55 = 51.00.
        Billed bill = fx.billedAccount(parent, Utility.WATER, "20");
        Citizen child = fx.citizen();

        // Not linked: the bill and the account's history are not the child's to read, nor to pay, before a lookup.
        web.get().uri("/api/v1/billing/bills/{b}", bill.billId()).headers(h -> h.setBearerAuth(child.token())).exchange()
                .expectStatus().isNotFound();
        problem(pay(child, bill.billId()), HttpStatus.NOT_FOUND, "NOT_FOUND");

        Map<String, Object> found = body(lookUp(child, "WATER", " " + bill.accountNumber() + " ").expectStatus().isOk());
        List<Map<String, Object>> items = (List<Map<String, Object>>) found.get("items");
        assertThat(items).hasSize(1);
        Map<String, Object> payable = items.get(0);
        assertThat(payable.get("billId")).isEqualTo(bill.billId().toString());
        assertThat(payable.get("holder")).isEqualTo("*****i"); // "Li Lei": the last character only
        assertThat(payable.get("amountDue")).isEqualTo(Map.of("amount", "51.00", "currency", "CNY"));
        assertThat(payable).doesNotContainKeys("usage", "accountId", "lines", "serviceAddress");
        assertThat(found.get("payableUntil")).isNotNull();

        Map<String, Object> paid = body(pay(child, bill.billId()).expectStatus().isCreated());
        assertThat(paid.get("status")).isEqualTo("SUCCEEDED");
        assertThat(fx.billStatus(bill.billId())).isEqualTo("PAID");
        // The payer sees their payment and its receipt; the account's history stays closed to them.
        web.get().uri("/api/v1/billing/payments/{p}", paid.get("id")).headers(h -> h.setBearerAuth(child.token())).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("SUCCEEDED");
        web.get().uri("/api/v1/billing/receipts/{r}", paid.get("receiptNumber")).headers(h -> h.setBearerAuth(child.token()))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.amount.amount").isEqualTo("51.00");
        web.get().uri("/api/v1/billing/accounts/{a}/payments", bill.accountId()).headers(h -> h.setBearerAuth(child.token()))
                .exchange().expectStatus().isNotFound();
        web.get().uri("/api/v1/billing/bills/{b}", bill.billId()).headers(h -> h.setBearerAuth(child.token())).exchange()
                .expectStatus().isNotFound();
        // The holder sees the payment in the account's history.
        web.get().uri("/api/v1/billing/accounts/{a}/payments", bill.accountId()).headers(h -> h.setBearerAuth(parent.token()))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.items[0].id").isEqualTo(paid.get("id"));

        // Paid: nothing left to pay; a second lookup shows no open bill. Every lookup is audited.
        Map<String, Object> again = body(lookUp(child, "WATER", bill.accountNumber()).expectStatus().isOk());
        assertThat((List<?>) again.get("items")).isEmpty();
        assertThat(fx.count("SELECT count(*) FROM audit_log WHERE actor_id = :id AND action = 'BILL_LOOKUP'", child.id())).isEqualTo(2);
    }

    @Test
    void unknownNumbersAndBadInputAreRefusedAndLookupsAreLimited() {
        Citizen walker = fx.citizen();
        lookUp(walker, "GAS", "123").expectStatus().isBadRequest().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        problem(lookUp(walker, "WATER", " "), HttpStatus.BAD_REQUEST, "VALIDATION_FAILED");
        problem(lookUp(walker, "WATER", "X".repeat(33)), HttpStatus.BAD_REQUEST, "VALIDATION_FAILED");
        for (int i = 0; i < 20; i++) {
            problem(lookUp(walker, "ELECTRICITY", BillingFixtures.accountNumber()), HttpStatus.NOT_FOUND, "NOT_FOUND");
        }
        lookUp(walker, "ELECTRICITY", BillingFixtures.accountNumber()).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader().exists("Retry-After").expectBody().jsonPath("$.code").isEqualTo("BILL_LOOKUPS_LIMITED");
        web.post().uri("/api/v1/billing/bill-lookups").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("utility", "WATER", "accountNumber", "1")).exchange().expectStatus().isUnauthorized();
    }
}
