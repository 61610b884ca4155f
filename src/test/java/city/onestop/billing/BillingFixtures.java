package city.onestop.billing;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import city.onestop.platform.sms.SmsFake;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Builds fresh billing data through the API, as an operator and a citizen would. */
public final class BillingFixtures {

    public static final String PERIOD = "2025-10";

    private final WebTestClient web;
    private final AccessTokens tokens;
    private final DatabaseClient db;
    public final String operatorToken;

    public BillingFixtures(WebTestClient web, AccessTokens tokens, DatabaseClient db, ProviderEndpoint endpoint) {
        this.web = web;
        this.tokens = tokens;
        this.db = db;
        this.operatorToken = tokens.issue(UUID.randomUUID(), Set.of(Role.UTILITY_OPERATOR)).value();
        endpoint.use(ProviderFake.get().url());
    }

    public record Citizen(UUID id, String token) {}

    public Citizen citizen() {
        UUID id = UUID.randomUUID();
        return new Citizen(id, tokens.issue(id, Set.of(Role.CITIZEN)).value());
    }

    public static String accountNumber() {
        return "T" + ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_999_999_999L);
    }

    /**
     * The phone the utility has on file for the holder of a fixture account: derived from the account number, so
     * {@link #link} finds the code texted there (SmsFake) without keeping state.
     */
    public static String holderPhone(String number) {
        String digits = number.replaceAll("[^0-9]", "");
        return "+86199" + String.format("%8s", digits.substring(Math.max(0, digits.length() - 8))).replace(' ', '0');
    }

    public void createAccount(Utility utility, String number, int household) {
        web.post().uri("/api/v1/billing/accounts").headers(h -> h.setBearerAuth(operatorToken))
                .bodyValue(Map.of("utility", utility, "accountNumber", number, "serviceAddress", "8 Test Street",
                        "householdSize", household, "holderName", "Li Lei", "holderIdLast4", "123X", "initialReading", 0,
                        "holderPhone", holderPhone(number)))
                .exchange().expectStatus().isCreated();
    }

    public void reading(Utility utility, String number, String period, String value, String status) {
        web.post().uri("/api/v1/billing/readings").headers(h -> h.setBearerAuth(operatorToken))
                .bodyValue(Map.of("utility", utility, "accountNumber", number, "period", period, "reading", value,
                        "meterStatus", status))
                .exchange().expectStatus().isCreated();
    }

    public void generate(String period, Utility utility) {
        web.post().uri("/api/v1/billing/bill-runs").headers(h -> h.setBearerAuth(operatorToken))
                .bodyValue(Map.of("period", period, "utility", utility))
                .exchange().expectStatus().isOk();
    }

    /**
     * Links as a citizen would who is not the holder: name and ID ending, then the code the holder received
     * (read from the fake SMS provider).
     */
    public UUID link(Citizen citizen, Utility utility, String number) {
        Map<?, ?> pending = web.post().uri("/api/v1/billing/accounts/links").headers(h -> h.setBearerAuth(citizen.token()))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("utility", utility, "accountNumber", number, "holderName", "Li Lei", "holderIdLast4", "123x"))
                .exchange().expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody();
        String code = SmsFake.get().lastCode(holderPhone(number)).orElseThrow();
        String id = web.post().uri("/api/v1/billing/accounts/links/verifications/{v}/code", pending.get("id"))
                .headers(h -> h.setBearerAuth(citizen.token()))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("code", code))
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
        return UUID.fromString(id);
    }

    public record Billed(UUID accountId, UUID billId, String accountNumber) {}

    /** A fresh account with a reading of {@code usage} for {@link #PERIOD}, billed and linked to the citizen. */
    public Billed billedAccount(Citizen citizen, Utility utility, String usage) {
        String number = accountNumber();
        createAccount(utility, number, 3);
        reading(utility, number, PERIOD, usage, "WORKING");
        generate(PERIOD, utility);
        UUID accountId = link(citizen, utility, number);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) web.get()
                .uri("/api/v1/billing/bills?accountId={a}", accountId).headers(h -> h.setBearerAuth(citizen.token()))
                .exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("items");
        assertThat(items).hasSize(1);
        return new Billed(accountId, UUID.fromString(items.get(0).get("id").toString()), number);
    }

    public long count(String sql, Object id) {
        return db.sql(sql).bind("id", id).map(r -> ((Number) r.get(0)).longValue()).one().block(Duration.ofSeconds(10));
    }

    public String paymentStatus(Object paymentId) {
        return db.sql("SELECT status FROM billing_payments WHERE id = :id").bind("id", paymentId)
                .map(r -> r.get(0, String.class)).one().block(Duration.ofSeconds(10));
    }

    public String billStatus(Object billId) {
        return db.sql("SELECT status FROM billing_bills WHERE id = :id").bind("id", billId)
                .map(r -> r.get(0, String.class)).one().block(Duration.ofSeconds(10));
    }
}
