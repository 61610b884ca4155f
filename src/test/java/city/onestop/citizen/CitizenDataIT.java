package city.onestop.citizen;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures;
import city.onestop.billing.Utility;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.AuditRows;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The citizen's own data: an export across modules, and erasure that keeps payments and audit without the person. */
@IntegrationTest
class CitizenDataIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired ProviderEndpoint endpoint;

    record Setup(TestCitizens.Registered citizen, String token, String refreshToken, BillingFixtures.Billed billed, String paymentId) {}

    Setup citizenWithABillPaid() {
        BillingFixtures fx = new BillingFixtures(web, tokens, db, endpoint);
        TestCitizens.Registered c = TestCitizens.register(web);
        Map<String, Object> session = TestCitizens.login(web, c.phone(), c.password());
        String token = (String) session.get("accessToken");
        BillingFixtures.Citizen citizen = new BillingFixtures.Citizen(UUID.fromString(c.id()), token);
        BillingFixtures.Billed billed = fx.billedAccount(citizen, Utility.WATER, "20");
        String paymentId = (String) web.post().uri("/api/v1/billing/bills/{b}/payments", billed.billId())
                .headers(h -> h.setBearerAuth(token)).header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of()).exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");
        return new Setup(c, token, (String) session.get("refreshToken"), billed, paymentId);
    }

    long count(String sql, Object id) {
        return db.sql(sql).bind("id", id).map(r -> ((Number) r.get(0)).longValue()).one().block(Duration.ofSeconds(10));
    }

    @Test
    @SuppressWarnings("unchecked")
    void exportsEverythingHeldAboutMeAcrossModules() {
        Setup s = citizenWithABillPaid();
        Map<String, Object> doc = web.get().uri("/api/v1/me/export").headers(h -> h.setBearerAuth(s.token())).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectHeader().valueMatches("Content-Disposition", "attachment.*")
                .expectBody(Map.class).returnResult().getResponseBody();
        Map<String, Object> profile = (Map<String, Object>) doc.get("profile");
        assertThat(profile.get("phone")).isEqualTo(s.citizen().phone());
        assertThat(profile.get("realName")).isEqualTo("测试 市民");
        assertThat(profile.toString()).doesNotContain(s.citizen().idNumber());
        Map<String, Object> billing = (Map<String, Object>) doc.get("billing");
        assertThat((List<Map<String, Object>>) billing.get("linkedAccounts")).extracting(a -> a.get("id"))
                .containsExactly(s.billed().accountId().toString());
        assertThat((List<Map<String, Object>>) billing.get("bills")).extracting(b -> b.get("id"))
                .containsExactly(s.billed().billId().toString());
        assertThat((List<Map<String, Object>>) billing.get("payments")).extracting(p -> p.get("id")).containsExactly(s.paymentId());
        assertThat((List<?>) billing.get("linkRequests")).hasSize(1);
        assertThat(doc).containsKeys("booking", "notifications", "favoriteStops", "exportedAt");
        assertThat((List<Map<String, Object>>) doc.get("audit")).extracting(a -> a.get("action"))
                .contains("CITIZEN_REGISTERED", "LOGIN", "ACCOUNT_LINKED", "PAYMENT_CREATED");
        assertThat(new AuditRows(db).byActor(UUID.fromString(s.citizen().id()))).extracting(AuditRows.Row::action)
                .contains("PERSONAL_DATA_EXPORTED");
    }

    @Test
    void erasureDeletesThePersonAndKeepsPaymentsAndAuditPseudonymised() {
        Setup s = citizenWithABillPaid();
        UUID id = UUID.fromString(s.citizen().id());
        web.post().uri("/api/v1/me/deletion").headers(h -> h.setBearerAuth(s.token())).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("password", "not-it")).exchange().expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("PASSWORD_INCORRECT");
        assertThat(count("SELECT count(*) FROM citizen WHERE id = :id", id)).isEqualTo(1);

        web.post().uri("/api/v1/me/deletion").headers(h -> h.setBearerAuth(s.token())).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("password", s.citizen().password())).exchange().expectStatus().isNoContent();

        assertThat(count("SELECT count(*) FROM citizen WHERE id = :id", id)).isZero();
        assertThat(count("SELECT count(*) FROM citizen_refresh_token WHERE citizen_id = :id", id)).isZero();
        assertThat(count("SELECT count(*) FROM billing_account_links WHERE citizen_id = :id", id)).isZero();
        assertThat(count("SELECT count(*) FROM billing_link_verifications WHERE citizen_id = :id", id)).isZero();
        assertThat(count("SELECT count(*) FROM notifications WHERE citizen_id = :id", id)).isZero();
        // Kept by law: the payment and its receipt, the audit trail, under an id that names no one now.
        assertThat(count("SELECT count(*) FROM billing_payments WHERE citizen_id = :id AND status = 'SUCCEEDED'", id)).isEqualTo(1);
        assertThat(new AuditRows(db).byActor(id)).extracting(AuditRows.Row::action)
                .contains("PAYMENT_CREATED", "CITIZEN_ERASED");
        assertThat(count("SELECT count(*) FROM citizen WHERE phone = '" + s.citizen().phone() + "' OR id = :id", id)).isZero();

        web.post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", s.citizen().phone(), "password", s.citizen().password())).exchange()
                .expectStatus().isUnauthorized();
        web.post().uri("/api/v1/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refreshToken", s.refreshToken())).exchange().expectStatus().isUnauthorized();
        web.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(s.token())).exchange().expectStatus().isNotFound();
        // The phone and ID number are free again.
        web.post().uri("/api/v1/auth/register").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", s.citizen().phone(), "password", "another-password", "realName", "新 市民",
                        "idNumber", s.citizen().idNumber()))
                .exchange().expectStatus().isCreated();
    }
}
