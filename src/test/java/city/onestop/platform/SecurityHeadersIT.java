package city.onestop.platform;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.ManagementClient;
import city.onestop.citizen.TestCitizens;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Security headers on every kind of response (success, public, 4xx from security, the framework and the body
 * limit, 5xx), CORS only for the configured origin (the test profile allows {@code https://app.onestop.test}),
 * and error bodies that never show stack traces, SQL, constraint or class names.
 */
@IntegrationTest
class SecurityHeadersIT {

    static final String ALLOWED_ORIGIN = "https://app.onestop.test";

    /** What an error body must never contain: Java internals, SQL, PostgreSQL messages, our own package names. */
    static final Pattern INTERNALS = Pattern.compile(
            "Exception|\\bat [a-z]+\\.|java\\.|javax?\\.|tools\\.jackson|com\\.fasterxml|org\\.springframework|io\\.r2dbc|"
                    + "reactor\\.|city\\.onestop|SQL|duplicate key|violates|constraint|_key\\b|_fkey|relation \"|syntax error",
            Pattern.CASE_INSENSITIVE);

    @Autowired
    WebTestClient web;

    @Autowired
    AccessTokens tokens;

    @org.springframework.boot.test.web.server.LocalManagementPort
    int managementPort;

    private String token(Role... roles) {
        return tokens.issue(UUID.randomUUID(), Set.of(roles)).value();
    }

    private EntityExchangeResult<byte[]> send(HttpMethod method, String uri, String token, String json) {
        WebTestClient.RequestBodySpec spec = web.method(method).uri(uri);
        if (token != null) {
            spec.headers(h -> h.setBearerAuth(token));
        }
        WebTestClient.RequestHeadersSpec<?> ready = json == null ? spec : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(json);
        return ready.exchange().expectBody().returnResult();
    }

    @Test
    void everyKindOfResponseCarriesTheSecurityHeaders() {
        String citizen = token(Role.CITIZEN);
        Map<String, Function<WebTestClient, EntityExchangeResult<byte[]>>> calls = new LinkedHashMap<>();
        calls.put("public 200", w -> send(HttpMethod.GET, "/api/v1/transit/routes", null, null));
        calls.put("liveness", w -> ManagementClient.on(managementPort).get().uri("/actuator/health/liveness").exchange().expectBody()
                .returnResult());
        calls.put("api docs", w -> send(HttpMethod.GET, "/v3/api-docs", null, null));
        calls.put("authenticated 200", w -> send(HttpMethod.GET, "/api/v1/me/activity", citizen, null));
        calls.put("401", w -> send(HttpMethod.GET, "/api/v1/me/activity", null, null));
        calls.put("403", w -> send(HttpMethod.GET, "/api/v1/admin/audit", citizen, null));
        calls.put("404", w -> send(HttpMethod.GET, "/api/v1/nothing-here", citizen, null));
        calls.put("405", w -> send(HttpMethod.DELETE, "/api/v1/me", citizen, null));
        calls.put("400", w -> send(HttpMethod.POST, "/api/v1/auth/login", null, "{\"phone\":"));
        calls.put("413", w -> send(HttpMethod.POST, "/api/v1/auth/login", null, "{\"phone\":\"" + "1".repeat(70_000) + "\"}"));
        calls.put("500", w -> send(HttpMethod.GET, "/api/v1/test-only/failure", citizen, null));
        List<String> missing = new ArrayList<>();
        calls.forEach((name, call) -> {
            EntityExchangeResult<byte[]> result = call.apply(web);
            HttpHeaders h = result.getResponseHeaders();
            String at = name + " (" + result.getStatus().value() + ")";
            // Exactly once each: the platform's fallback filter and Spring Security must not both add them.
            Map.of("X-Content-Type-Options", "nosniff", "X-Frame-Options", "DENY", "Referrer-Policy", "no-referrer")
                    .forEach((header, value) -> {
                        if (!List.of(value).equals(h.getValuesAsList(header))) {
                            missing.add(at + ": " + header + " " + h.getValuesAsList(header));
                        }
                    });
            if (h.getFirst("X-Request-Id") == null) missing.add(at + ": X-Request-Id");
        });
        assertThat(missing).isEmpty();
    }

    @Test
    void preflightFromTheCityAppIsAllowed() {
        web.options().uri("/api/v1/billing/bills")
                .header("Origin", ALLOWED_ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, idempotency-key, content-type")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("Access-Control-Allow-Origin", ALLOWED_ORIGIN)
                .expectHeader().value("Access-Control-Allow-Methods", m -> assertThat(m).contains("POST"))
                .expectHeader().value("Access-Control-Allow-Headers", m -> assertThat(m.toLowerCase()).contains("idempotency-key"))
                .expectHeader().doesNotExist("Access-Control-Allow-Credentials");
        web.get().uri("/api/v1/transit/routes").header("Origin", ALLOWED_ORIGIN).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("Access-Control-Allow-Origin", ALLOWED_ORIGIN)
                .expectHeader().value("Access-Control-Expose-Headers", v -> assertThat(v).contains("X-Request-Id"));
    }

    @Test
    void otherOriginsGetNoCorsPermission() {
        web.options().uri("/api/v1/billing/bills")
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .exchange()
                .expectStatus().isForbidden()
                .expectHeader().doesNotExist("Access-Control-Allow-Origin");
        web.get().uri("/api/v1/transit/routes").header("Origin", "https://evil.example").exchange()
                .expectStatus().isForbidden()
                .expectHeader().doesNotExist("Access-Control-Allow-Origin");
        // Same-origin and non-browser calls (no Origin header) are untouched.
        web.get().uri("/api/v1/transit/routes").exchange().expectStatus().isOk()
                .expectHeader().doesNotExist("Access-Control-Allow-Origin");
    }

    @Test
    void errorBodiesNeverShowStackTracesSqlOrClassNames() {
        String citizen = token(Role.CITIZEN);
        String operator = token(Role.UTILITY_OPERATOR);
        String admin = token(Role.ADMIN);
        TestCitizens.Registered someone = TestCitizens.register(web);
        String duplicate = "{\"phone\":\"" + someone.phone() + "\",\"password\":\"another-password\",\"realName\":\"重复\","
                + "\"idNumber\":\"" + TestCitizens.randomIdNumber() + "\"}";
        String sameId = "{\"phone\":\"" + TestCitizens.randomPhone() + "\",\"password\":\"another-password\",\"realName\":\"重复\","
                + "\"idNumber\":\"" + someone.idNumber() + "\"}";
        record Bad(HttpMethod method, String uri, String token, String body, int status) {}
        List<Bad> bad = List.of(
                // Unique constraints in PostgreSQL (phone, ID number fingerprint).
                new Bad(HttpMethod.POST, "/api/v1/auth/register", null, duplicate, 409),
                new Bad(HttpMethod.POST, "/api/v1/auth/register", null, sameId, 409),
                // Type mismatches that Jackson and the binder describe with Java type names.
                new Bad(HttpMethod.POST, "/api/v1/booking/holds", citizen, "{\"slotId\":\"not-a-uuid\"}", 400),
                new Bad(HttpMethod.POST, "/api/v1/booking/holds", citizen, "{\"slotId\":[1,2]}", 400),
                new Bad(HttpMethod.GET, "/api/v1/billing/bills/not-a-uuid", citizen, null, 400),
                new Bad(HttpMethod.GET, "/api/v1/admin/audit?from=yesterday", admin, null, 400),
                new Bad(HttpMethod.POST, "/api/v1/billing/readings", operator,
                        "{\"utility\":\"STEAM\",\"accountNumber\":\"x\",\"period\":\"2025-13\",\"reading\":\"1e400\"}", 400),
                // An enum value that does not exist.
                new Bad(HttpMethod.PUT, "/api/v1/admin/citizens/" + UUID.randomUUID() + "/roles", admin,
                        "{\"roles\":[\"SUPERUSER\"]}", 400),
                // A foreign key that does not hold (staff of a hospital that does not exist).
                new Bad(HttpMethod.PUT, "/api/v1/admin/booking/hospitals/" + UUID.randomUUID() + "/staff/" + UUID.randomUUID(), admin,
                        null, 404),
                new Bad(HttpMethod.GET, "/api/v1/test-only/failure", citizen, null, 500));
        List<String> leaks = new ArrayList<>();
        for (Bad b : bad) {
            EntityExchangeResult<byte[]> result = send(b.method(), b.uri(), b.token(), b.body());
            String body = result.getResponseBody() == null ? "" : new String(result.getResponseBody());
            String at = b.method() + " " + b.uri() + " " + (b.body() == null ? "" : b.body().substring(0, Math.min(40, b.body().length())));
            if (result.getStatus().value() != b.status()) {
                leaks.add(at + ": status " + result.getStatus().value() + " (expected " + b.status() + ") " + body);
            }
            if (INTERNALS.matcher(body).find()) {
                leaks.add(at + ": body shows internals: " + body);
            }
            MediaType type = result.getResponseHeaders().getContentType();
            if (type == null || !type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)) {
                leaks.add(at + ": not problem+json but " + type);
            }
        }
        assertThat(leaks).isEmpty();
    }
}
