package city.onestop.citizen;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.citizen.TestCitizens.Registered;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.AuditRows;
import city.onestop.platform.Role;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

@IntegrationTest
class CitizenAuditIT {

    @Autowired
    WebTestClient web;

    @Autowired
    DatabaseClient db;

    @Autowired
    AccessTokens tokens;

    AuditRows audit;

    @BeforeEach
    void setUp() {
        audit = new AuditRows(db);
    }

    /** Masked independently of the production code: first 3, four stars, last 4 of an 11-digit number. */
    private static String masked(String phone) {
        return phone.substring(0, 3) + "****" + phone.substring(7);
    }

    private EntityExchangeResult<Map> post(String path, Map<String, ?> body, String requestId) {
        return web.post().uri(path).contentType(MediaType.APPLICATION_JSON).header("X-Request-Id", requestId).bodyValue(body)
                .exchange().expectBody(Map.class).returnResult();
    }

    private List<String> actions(UUID actor) {
        return audit.byActor(actor).stream().map(AuditRows.Row::action).toList();
    }

    @Test
    void registrationAndLoginAreAuditedWithMaskedPhoneAndTheRequestId() {
        Registered me = TestCitizens.register(web);
        UUID id = UUID.fromString(me.id());
        String requestId = "audit-login-" + UUID.randomUUID();

        EntityExchangeResult<Map> login = post("/api/v1/auth/login", Map.of("phone", me.phone(), "password", me.password()), requestId);
        assertThat(login.getStatus().value()).isEqualTo(200);

        List<AuditRows.Row> rows = audit.byActor(id);
        assertThat(rows).extracting(AuditRows.Row::action).containsExactly("CITIZEN_REGISTERED", "LOGIN");
        AuditRows.Row row = rows.get(1);
        assertThat(row.actorRole()).isEqualTo("CITIZEN");
        assertThat(row.outcome()).isEqualTo("SUCCESS");
        assertThat(row.target()).startsWith("phone:" + masked(me.phone()));
        assertThat(row.requestId()).isEqualTo(requestId);
        assertThat(row.clientIp()).isNotBlank();
        // Personal data never in the clear in the audit log.
        assertThat(audit.countContaining(me.phone())).isZero();
        assertThat(audit.countContaining(me.idNumber())).isZero();
    }

    @Test
    void failedLoginsAreAuditedEvenThoughTheyWriteNothingElse() {
        Registered me = TestCitizens.register(web);
        String requestId = "audit-failed-" + UUID.randomUUID();
        EntityExchangeResult<Map> wrong = post("/api/v1/auth/login", Map.of("phone", me.phone(), "password", "not-the-password"), requestId);
        assertThat(wrong.getStatus().value()).isEqualTo(401);

        AuditRows.Row failed = AuditRows.last(audit.byActor(UUID.fromString(me.id())));
        assertThat(failed.action()).isEqualTo("LOGIN_FAILED");
        assertThat(failed.outcome()).isEqualTo("FAILURE");
        assertThat(failed.target()).isEqualTo("phone:" + masked(me.phone()));
        assertThat(failed.requestId()).isEqualTo(requestId);

        String unknown = TestCitizens.randomPhone();
        post("/api/v1/auth/login", Map.of("phone", unknown, "password", "whatever-it-is"), "audit-unknown-" + UUID.randomUUID());
        List<AuditRows.Row> anonymous = audit.byTarget("phone:" + masked(unknown)).stream()
                .filter(r -> r.actorId() == null && r.action().equals("LOGIN_FAILED")).toList();
        assertThat(anonymous).isNotEmpty();
        assertThat(audit.countContaining(unknown)).isZero();
    }

    @Test
    void refreshLogoutAndRefreshTokenReuseAreAudited() {
        Registered me = TestCitizens.register(web);
        UUID id = UUID.fromString(me.id());
        String first = (String) TestCitizens.login(web, me.phone(), me.password()).get("refreshToken");
        EntityExchangeResult<Map> refreshed = post("/api/v1/auth/refresh", Map.of("refreshToken", first), "r-" + UUID.randomUUID());
        assertThat(refreshed.getStatus().value()).isEqualTo(200);
        String second = (String) refreshed.getResponseBody().get("refreshToken");

        web.post().uri("/api/v1/auth/logout").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("refreshToken", second))
                .exchange().expectStatus().isNoContent();
        // The spent first token presented again: a copied token.
        assertThat(post("/api/v1/auth/refresh", Map.of("refreshToken", first), "r-" + UUID.randomUUID()).getStatus().value())
                .isEqualTo(401);

        assertThat(actions(id)).containsSubsequence("LOGIN", "TOKEN_REFRESHED", "LOGOUT", "REFRESH_TOKEN_REUSED");
        AuditRows.Row reuse = AuditRows.last(audit.byActor(id));
        assertThat(reuse.outcome()).isEqualTo("DENIED");
        assertThat(reuse.target()).startsWith("session:");
    }

    @Test
    void myActivityShowsMyLoginsAndFailuresButNotOtherCitizens() {
        Registered me = TestCitizens.register(web);
        Registered other = TestCitizens.register(web);
        post("/api/v1/auth/login", Map.of("phone", me.phone(), "password", "wrong-password-1"), "a-" + UUID.randomUUID());
        String access = (String) TestCitizens.login(web, me.phone(), me.password()).get("accessToken");
        TestCitizens.login(web, other.phone(), other.password());

        Map<?, ?> page = web.get().uri("/api/v1/me/activity").headers(h -> h.setBearerAuth(access)).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        List<?> items = (List<?>) page.get("items");
        assertThat(AuditRows.actions(page)).containsExactly("LOGIN", "LOGIN_FAILED", "CITIZEN_REGISTERED");
        assertThat(items).allSatisfy(i -> assertThat(((Map<?, ?>) i).get("actorId")).isEqualTo(me.id()));
    }

    @Test
    void roleGrantsAreAuditedAsTheAdmin() {
        Registered someone = TestCitizens.register(web);
        UUID admin = UUID.randomUUID();
        String token = tokens.issue(admin, Set.of(Role.ADMIN)).value();
        web.put().uri("/api/v1/admin/citizens/{id}/roles", someone.id()).headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("roles", List.of("CITIZEN", "HOSPITAL_STAFF")))
                .exchange().expectStatus().isOk();

        List<AuditRows.Row> rows = audit.byActor(admin);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).action()).isEqualTo("ROLES_CHANGED");
        assertThat(rows.get(0).actorRole()).isEqualTo("ADMIN");
        assertThat(rows.get(0).target()).isEqualTo("citizen:" + someone.id() + " roles=[CITIZEN, HOSPITAL_STAFF]");
    }
}
