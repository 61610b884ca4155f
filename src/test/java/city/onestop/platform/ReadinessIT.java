package city.onestop.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import city.onestop.IntegrationTest;
import city.onestop.ManagementClient;
import city.onestop.citizen.TestCitizens;
import city.onestop.platform.embedded.EmbeddedServers;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Redis is a cache and a rate limiter, PostgreSQL the truth: without Redis the instance is not ready (a load
 * balancer should prefer others) but it keeps serving what needs only PostgreSQL, and logins fail open.
 *
 * <p>It stops the JVM's embedded Redis, so it runs in a JVM of its own (the {@code redis-restart} execution of the
 * failsafe plugin), never beside the tests that share the one context: after such a restart in the middle of a run,
 * later tests of that context hung once in CI (31 tests, 47 minutes).
 */
@IntegrationTest
class ReadinessIT {

    @Autowired
    WebTestClient web;

    @Autowired
    MeterRegistry meters;

    @LocalManagementPort
    int managementPort;

    @Test
    void readinessFollowsRedisWhileServingWhatNeedsOnlyPostgres() {
        WebTestClient actuator = ManagementClient.on(managementPort);
        TestCitizens.Registered c = TestCitizens.register(web);
        String token = (String) TestCitizens.login(web, c.phone(), c.password()).get("accessToken");
        actuator.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();

        EmbeddedServers.stopRedis();
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    actuator.get().uri("/actuator/health/readiness").exchange()
                            .expectStatus().isEqualTo(503)
                            .expectBody().jsonPath("$.status").isEqualTo("DOWN"));
            actuator.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();

            web.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.phone").isEqualTo(c.phone());

            double failedOpenBefore = failedOpen();
            TestCitizens.login(web, c.phone(), c.password());
            assertThat(failedOpen()).isGreaterThan(failedOpenBefore);
        } finally {
            EmbeddedServers.restartRedis();
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                actuator.get().uri("/actuator/health/readiness").exchange()
                        .expectStatus().isOk()
                        .expectBody().jsonPath("$.status").isEqualTo("UP"));
        // The shared connection works again: the rate limiter counts in Redis instead of failing open.
        double failedOpenAfterRestart = failedOpen();
        TestCitizens.login(web, c.phone(), c.password());
        assertThat(failedOpen()).isEqualTo(failedOpenAfterRestart);
    }

    private double failedOpen() {
        var counter = meters.find("onestop.rate.limit.fail.open").counter();
        return counter == null ? 0 : counter.count();
    }
}
