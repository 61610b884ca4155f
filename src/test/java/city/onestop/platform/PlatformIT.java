package city.onestop.platform;

import city.onestop.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

@IntegrationTest
class PlatformIT {

    @Autowired
    WebTestClient web;

    @Test
    void healthIsUpWithLivenessAndReadiness() {
        web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("UP");
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    }

    @Test
    void unknownRouteIsProblemJson404WithRequestId() {
        web.get().uri("/api/v1/no-such-thing").header("X-Request-Id", "abc-123").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals("X-Request-Id", "abc-123")
                .expectBody()
                .jsonPath("$.status").isEqualTo(404)
                .jsonPath("$.code").isEqualTo("NOT_FOUND")
                .jsonPath("$.type").isEqualTo("/problems/not-found")
                .jsonPath("$.instance").isEqualTo("/api/v1/no-such-thing")
                .jsonPath("$.requestId").isEqualTo("abc-123");
    }

    @Test
    void prometheusMetricsAreServed() {
        web.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
    }
}
