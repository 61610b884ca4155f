package city.onestop.citizen;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AuditRows;
import city.onestop.platform.sms.SmsFake;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** Password reset by a code texted through the SMS provider: single use, hashed, throttled, every session ended. */
@IntegrationTest
class PasswordResetIT {

    @Autowired WebTestClient web;
    @Autowired DatabaseClient db;

    WebTestClient.ResponseSpec request(String phone) {
        return web.post().uri("/api/v1/auth/password-resets").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", phone)).exchange();
    }

    WebTestClient.ResponseSpec confirm(String phone, String code, String password) {
        return web.post().uri("/api/v1/auth/password-resets/confirmation").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", phone, "code", code, "newPassword", password)).exchange();
    }

    long number(String sql, Object id) {
        return db.sql(sql).bind("id", id).map(r -> ((Number) r.get(0)).longValue()).one().block(Duration.ofSeconds(10));
    }

    static String other(String code) {
        return code.equals("000000") ? "000001" : "000000";
    }

    @Test
    void resetsThePasswordWithTheTextedCodeAndEndsEverySession() {
        TestCitizens.Registered c = TestCitizens.register(web);
        Map<String, Object> session = TestCitizens.login(web, c.phone(), c.password());
        request(c.phone()).expectStatus().isAccepted().expectBody().jsonPath("$.expiresInSeconds").isEqualTo(600);
        String code = SmsFake.get().lastCode(c.phone()).orElseThrow();
        assertThat(SmsFake.get().messagesTo(c.phone()).get(0).text()).contains("密码重置验证码");
        assertThat(number("SELECT count(*) FROM citizen_password_reset WHERE citizen_id = :id AND length(code_hash) = 32 "
                + "AND position(convert_to('" + code + "', 'UTF8') IN code_hash) = 0", UUID.fromString(c.id()))).isEqualTo(1);

        confirm(c.phone(), other(code), "new-password-1").expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.code").isEqualTo("PASSWORD_RESET_CODE_INVALID");
        confirm(c.phone(), code, "new-password-1").expectStatus().isNoContent();

        web.post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", c.phone(), "password", c.password())).exchange().expectStatus().isUnauthorized();
        TestCitizens.login(web, c.phone(), "new-password-1");
        web.post().uri("/api/v1/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refreshToken", session.get("refreshToken"))).exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.code").isEqualTo("INVALID_REFRESH_TOKEN");
        // Single use.
        confirm(c.phone(), code, "new-password-2").expectStatus().isEqualTo(422);
        assertThat(new AuditRows(db).byActor(UUID.fromString(c.id()))).extracting(AuditRows.Row::action)
                .containsSubsequence("PASSWORD_RESET_REQUESTED", "PASSWORD_RESET_FAILED", "PASSWORD_RESET");
    }

    @Test
    void anUnknownPhoneGetsTheSameAnswerAndNoText() {
        String phone = TestCitizens.randomPhone();
        request(phone).expectStatus().isAccepted().expectBody().jsonPath("$.expiresInSeconds").isEqualTo(600);
        assertThat(SmsFake.get().messagesTo(phone)).isEmpty();
        confirm(phone, "123456", "new-password-1").expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.code").isEqualTo("PASSWORD_RESET_CODE_INVALID");
    }

    @Test
    void requestsPerPhoneAreThrottled() {
        TestCitizens.Registered c = TestCitizens.register(web);
        for (int i = 0; i < 3; i++) {
            request(c.phone()).expectStatus().isAccepted();
        }
        request(c.phone()).expectStatus().isEqualTo(429).expectHeader().exists("Retry-After").expectBody()
                .jsonPath("$.code").isEqualTo("PASSWORD_RESET_LIMITED");
        assertThat(SmsFake.get().messagesTo(c.phone())).hasSize(3);
        // Only the newest code works.
        String last = SmsFake.get().lastCode(c.phone()).orElseThrow();
        assertThat(number("SELECT count(*) FROM citizen_password_reset WHERE citizen_id = :id AND used_at IS NULL "
                + "AND cancelled_at IS NULL", UUID.fromString(c.id()))).isEqualTo(1);
        confirm(c.phone(), last, "new-password-3").expectStatus().isNoContent();
    }

    @Test
    void parallelGuessesCannotExceedFiveAttempts() {
        TestCitizens.Registered c = TestCitizens.register(web);
        request(c.phone()).expectStatus().isAccepted();
        String code = SmsFake.get().lastCode(c.phone()).orElseThrow();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Flux.range(1, 40)
                .flatMap(i -> Flux.defer(() -> {
                    int status = confirm(c.phone(), String.format("%06d", (Integer.parseInt(code) + i) % 1_000_000), "new-password-4")
                            .returnResult(String.class).getStatus().value();
                    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                    return Flux.empty();
                }).subscribeOn(Schedulers.boundedElastic()), 20)
                .blockLast(Duration.ofMinutes(3));
        assertThat(statuses.keySet()).allSatisfy(s -> assertThat(s).isIn(422, 429));
        assertThat(number("SELECT max(attempts) FROM citizen_password_reset WHERE citizen_id = :id", UUID.fromString(c.id())))
                .isEqualTo(5);
        assertThat(new AuditRows(db).byActor(UUID.fromString(c.id())).stream()
                .filter(r -> r.action().equals("PASSWORD_RESET_FAILED")).count()).isEqualTo(5);
        // The right code comes too late: the attempts are spent.
        assertThat(confirm(c.phone(), code, "new-password-4").returnResult(String.class).getStatus().value()).isIn(422, 429);
        TestCitizens.login(web, c.phone(), c.password());
    }
}
