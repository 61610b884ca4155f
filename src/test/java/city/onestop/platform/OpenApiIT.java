package city.onestop.platform;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The published OpenAPI document stays honest: every operation named, summarised and with problem+json errors. */
@IntegrationTest
class OpenApiIT {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @Autowired
    WebTestClient web;

    @Test
    @SuppressWarnings("unchecked")
    void everyOperationHasAnIdASummaryAndProblemJsonErrors() {
        Map<String, Object> doc = document();
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
        assertThat(paths).containsKeys("/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh",
                "/api/v1/auth/logout", "/api/v1/me");
        List<String> problems = new ArrayList<>();
        int operations = 0;
        for (var path : paths.entrySet()) {
            for (var op : path.getValue().entrySet()) {
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                operations++;
                String where = op.getKey().toUpperCase() + " " + path.getKey();
                Map<String, Object> operation = (Map<String, Object>) op.getValue();
                if (isBlank(operation.get("operationId"))) {
                    problems.add(where + ": no operationId");
                }
                if (isBlank(operation.get("summary"))) {
                    problems.add(where + ": no summary");
                }
                Map<String, Map<String, Object>> responses = (Map<String, Map<String, Object>>) operation.get("responses");
                boolean problemJson4xx = responses != null && responses.entrySet().stream()
                        .anyMatch(r -> r.getKey().startsWith("4") && r.getValue().get("content") instanceof Map<?, ?> content
                                && content.containsKey("application/problem+json"));
                if (!problemJson4xx) {
                    problems.add(where + ": no 4xx documented as application/problem+json");
                }
            }
        }
        assertThat(operations).isGreaterThanOrEqualTo(7);
        assertThat(problems).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void describesTheBearerSchemeAndMarksAuthPublic() {
        Map<String, Object> doc = document();
        Map<String, Object> schemes = (Map<String, Object>) ((Map<String, Object>) doc.get("components")).get("securitySchemes");
        assertThat((Map<String, Object>) schemes.get("bearerAuth")).containsEntry("scheme", "bearer").containsEntry("type", "http");
        Map<String, Object> login = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) doc.get("paths"))
                .get("/api/v1/auth/login")).get("post");
        assertThat((List<Object>) login.get("security")).isEmpty();
        Map<String, Object> me = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) doc.get("paths"))
                .get("/api/v1/me")).get("get");
        assertThat((List<Object>) me.get("security")).as("/me states the bearer requirement itself")
                .containsExactly(Map.of("bearerAuth", List.of()));
        assertThat((Map<String, Object>) me.get("responses")).containsKey("401");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyOperationStatesItsSecurityAndRealMediaTypes() {
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document().get("paths");
        List<String> problems = new ArrayList<>();
        paths.forEach((path, item) -> item.forEach((method, o) -> {
            if (!METHODS.contains(method)) {
                return;
            }
            Map<String, Object> op = (Map<String, Object>) o;
            String where = method.toUpperCase() + " " + path;
            if (!(op.get("security") instanceof List<?>)) {
                problems.add(where + ": no security requirement of its own");
            }
            ((Map<String, Map<String, Object>>) op.get("responses")).forEach((status, response) -> {
                if (response.get("content") instanceof Map<?, ?> content && content.containsKey("*/*")) {
                    problems.add(where + " " + status + ": */* instead of the media type sent");
                }
                if (status.startsWith("4") || status.startsWith("5")) {
                    if (!(response.get("content") instanceof Map<?, ?> content && content.containsKey("application/problem+json"))) {
                        problems.add(where + " " + status + ": an error not documented as application/problem+json");
                    }
                }
            });
        }));
        assertThat(problems).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> document() {
        return web.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    private static boolean isBlank(Object value) {
        return value == null || value.toString().isBlank();
    }
}
