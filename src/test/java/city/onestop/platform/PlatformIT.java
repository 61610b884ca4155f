package city.onestop.platform;

import city.onestop.IntegrationTest;
import city.onestop.ManagementClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

@IntegrationTest
class PlatformIT {

    @Autowired
    WebTestClient web;

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Test
    void healthIsUpWithLivenessAndReadinessOnTheManagementPort() {
        WebTestClient actuator = ManagementClient.on(managementPort);
        actuator.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("UP");
        actuator.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        actuator.get().uri("/actuator/health").exchange().expectStatus().isOk();
    }

    @Test
    void prometheusMetricsAreServedOnTheManagementPort() {
        ManagementClient.on(managementPort).get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_PLAIN)
                .expectBody(String.class).value(body -> org.assertj.core.api.Assertions.assertThat(body)
                        .contains("jvm_memory_used_bytes"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/actuator", "/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
        "/actuator/prometheus", "/actuator/metrics", "/actuator/info", "/actuator/env", "/actuator/nothing"})
    void actuatorDoesNotAnswerOnTheApiPort(String path) {
        org.assertj.core.api.Assertions.assertThat(managementPort).isNotEqualTo(port);
        web.get().uri(path).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("NOT_FOUND");
    }

    @Test
    void theApiIsNotServedOnTheManagementPort() {
        ManagementClient.on(managementPort).get().uri("/api/v1/transit/routes").exchange().expectStatus().isNotFound();
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
}
