package city.onestop.citizen;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.citizen.TestCitizens.Registered;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

@IntegrationTest
class CitizenAuthIT {

    @Autowired
    WebTestClient web;

    @Autowired
    DatabaseClient db;

    @Test
    void registersLogsInReadsMeRefreshesAndLogsOut() {
        String phone = TestCitizens.randomPhone();
        String idNumber = TestCitizens.randomIdNumber();
        String masked = idNumber.substring(0, 4) + "**********" + idNumber.substring(14);

        web.post().uri("/api/v1/auth/register").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", phone, "password", "s3cret-Passw0rd", "realName", "李四", "idNumber", idNumber))
                .exchange()
                .expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.phone").isEqualTo(phone)
                .jsonPath("$.realName").isEqualTo("李四")
                .jsonPath("$.idNumberMasked").isEqualTo(masked)
                .jsonPath("$.idNumber").doesNotExist()
                .jsonPath("$.id").isNotEmpty();

        Map<String, Object> tokens = TestCitizens.login(web, phone, "s3cret-Passw0rd");
        assertThat(tokens.get("tokenType")).isEqualTo("Bearer");
        assertThat(((Number) tokens.get("expiresIn")).longValue()).isEqualTo(900);
        String access = (String) tokens.get("accessToken");
        String refresh = (String) tokens.get("refreshToken");

        web.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(access)).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.id").isNotEmpty()
                .jsonPath("$.phone").isEqualTo(phone)
                .jsonPath("$.realName").isEqualTo("李四")
                .jsonPath("$.idNumberMasked").isEqualTo(masked)
                .jsonPath("$.roles").isEqualTo(List.of("CITIZEN"));

        Map<String, Object> rotated = refresh(refresh).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        String newRefresh = (String) rotated.get("refreshToken");
        assertThat(newRefresh).isNotEqualTo(refresh);
        web.get().uri("/api/v1/me").headers(h -> h.setBearerAuth((String) rotated.get("accessToken"))).exchange()
                .expectStatus().isOk();

        refresh(refresh).expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("INVALID_REFRESH_TOKEN");

        // Reusing the spent token revoked the whole session, so the token it was exchanged for is dead too.
        refresh(newRefresh).expectStatus().isUnauthorized();
    }

    @Test
    void logoutRevokesTheSession() {
        Registered c = TestCitizens.register(web);
        String refresh = (String) TestCitizens.login(web, c.phone(), c.password()).get("refreshToken");

        web.post().uri("/api/v1/auth/logout").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refreshToken", refresh)).exchange()
                .expectStatus().isNoContent();
        refresh(refresh).expectStatus().isUnauthorized();
        // Logging out twice (or with a token we never issued) is fine.
        web.post().uri("/api/v1/auth/logout").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refreshToken", "never-issued")).exchange()
                .expectStatus().isNoContent();
    }

    @Test
    void refreshTokensAreStoredOnlyAsHashes() {
        Registered c = TestCitizens.register(web);
        String refresh = (String) TestCitizens.login(web, c.phone(), c.password()).get("refreshToken");
        List<byte[]> stored = db.sql("SELECT token_hash FROM citizen_refresh_token WHERE citizen_id = :id")
                .bind("id", UUID.fromString(c.id()))
                .map(r -> r.get("token_hash", byte[].class)).all().collectList().block(TestCitizens.timeout());
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0)).hasSize(32).isNotEqualTo(refresh.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void idNumberIsStoredEncrypted() {
        Registered c = TestCitizens.register(web);
        Map<String, Object> row = db.sql("SELECT id_number_cipher, id_number_masked FROM citizen WHERE id = :id")
                .bind("id", UUID.fromString(c.id()))
                .map(r -> Map.<String, Object>of("id_number_cipher", r.get("id_number_cipher", byte[].class),
                        "id_number_masked", r.get("id_number_masked", String.class)))
                .one().block(TestCitizens.timeout());
        byte[] cipher = (byte[]) row.get("id_number_cipher");
        assertThat(new String(cipher, StandardCharsets.ISO_8859_1)).doesNotContain(c.idNumber().substring(6, 14));
        assertThat(cipher.length).isGreaterThan(18 + 12);
        assertThat(row.get("id_number_masked")).isEqualTo(c.idNumber().substring(0, 4) + "**********" + c.idNumber().substring(14));
    }

    @Test
    void wrongPasswordIs401ProblemJson() {
        Registered c = TestCitizens.register(web);
        login(c.phone(), "not-the-password").expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code").isEqualTo("INVALID_CREDENTIALS")
                .jsonPath("$.remainingAttempts").isEqualTo(4);
    }

    @Test
    void unknownPhoneLooksLikeAWrongPassword() {
        login(TestCitizens.randomPhone(), "whatever-password").expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.code").isEqualTo("INVALID_CREDENTIALS");
    }

    @Test
    void locksThePhoneAfterFiveFailuresEvenForTheRightPassword() {
        Registered c = TestCitizens.register(web);
        for (int i = 1; i <= 4; i++) {
            login(c.phone(), "wrong-" + i).expectStatus().isUnauthorized()
                    .expectBody().jsonPath("$.remainingAttempts").isEqualTo(5 - i);
        }
        login(c.phone(), "wrong-5").expectStatus().isEqualTo(429)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().value("Retry-After", v -> assertThat(Long.parseLong(v)).isBetween(1L, 900L))
                .expectBody()
                .jsonPath("$.status").isEqualTo(429)
                .jsonPath("$.code").isEqualTo("LOGIN_LOCKED")
                .jsonPath("$.type").isEqualTo("/problems/login-locked")
                .jsonPath("$.requestId").isNotEmpty();
        login(c.phone(), c.password()).expectStatus().isEqualTo(429)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.code").isEqualTo("LOGIN_LOCKED");
    }

    @Test
    void aSuccessfulLoginResetsTheFailureCount() {
        Registered c = TestCitizens.register(web);
        for (int i = 0; i < 4; i++) {
            login(c.phone(), "wrong").expectStatus().isUnauthorized();
        }
        TestCitizens.login(web, c.phone(), c.password());
        login(c.phone(), "wrong").expectStatus().isUnauthorized().expectBody().jsonPath("$.remainingAttempts").isEqualTo(4);
    }

    @Test
    void invalidIdNumberCheckDigitIs400WithTheFieldNamed() {
        String valid = TestCitizens.randomIdNumber();
        String wrong = valid.substring(0, 17) + (valid.charAt(17) == '1' ? '2' : '1');
        register(TestCitizens.randomPhone(), "long-enough-pw", "王五", wrong)
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code").isEqualTo("VALIDATION_FAILED")
                .jsonPath("$.errors[0].field").isEqualTo("idNumber");
    }

    @Test
    void invalidFieldsAreAllListed() {
        register("12345", "short", "", "x").expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.errors[?(@.field == 'phone')]").exists()
                .jsonPath("$.errors[?(@.field == 'password')]").exists()
                .jsonPath("$.errors[?(@.field == 'realName')]").exists()
                .jsonPath("$.errors[?(@.field == 'idNumber')]").exists();
    }

    @Test
    void passwordOver72BytesIs400Not500() {
        register(TestCitizens.randomPhone(), "密码".repeat(13), "王五", TestCitizens.randomIdNumber())
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("VALIDATION_FAILED");
        login(TestCitizens.randomPhone(), "密码".repeat(100)).expectStatus().isUnauthorized();
    }

    @Test
    void duplicatePhoneIs409() {
        Registered c = TestCitizens.register(web);
        register(c.phone(), "another-password", "赵六", TestCitizens.randomIdNumber())
                .expectStatus().isEqualTo(409)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("PHONE_TAKEN");
    }

    @Test
    void duplicateIdNumberIs409EvenWithLowerCaseX() {
        String idNumber;
        do {
            idNumber = TestCitizens.randomIdNumber();
        } while (!idNumber.endsWith("X"));
        register(TestCitizens.randomPhone(), "long-enough-pw", "钱七", idNumber).expectStatus().isCreated();
        register(TestCitizens.randomPhone(), "long-enough-pw", "钱七", idNumber.toLowerCase())
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("ID_NUMBER_TAKEN");
    }

    @Test
    void concurrentRegistrationsOfOnePhoneCreateExactlyOneCitizen() {
        String phone = TestCitizens.randomPhone();
        List<Integer> statuses = Flux.range(0, 20)
                .flatMap(i -> Flux.defer(() -> Flux.just(register(phone, "long-enough-pw", "孙八", TestCitizens.randomIdNumber())
                        .returnResult(String.class).getStatus().value())).subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()), 20)
                .collectList().block(TestCitizens.timeout());
        assertThat(statuses).containsOnly(201, 409);
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
        Long rows = db.sql("SELECT count(*) AS n FROM citizen WHERE phone = :phone").bind("phone", phone)
                .map(r -> r.get("n", Long.class)).one().block(TestCitizens.timeout());
        assertThat(rows).isEqualTo(1);
    }

    @Test
    void concurrentRefreshesOfOneTokenSucceedOnce() {
        Registered c = TestCitizens.register(web);
        String refresh = (String) TestCitizens.login(web, c.phone(), c.password()).get("refreshToken");
        List<Integer> statuses = Flux.range(0, 10)
                .flatMap(i -> Flux.defer(() -> Flux.just(refresh(refresh).returnResult(String.class).getStatus().value()))
                        .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()), 10)
                .collectList().block(TestCitizens.timeout());
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 401).hasSize(9);
        Long live = db.sql("SELECT count(*) AS n FROM citizen_refresh_token WHERE citizen_id = :id AND revoked_at IS NULL")
                .bind("id", UUID.fromString(c.id())).map(r -> r.get("n", Long.class)).one().block(TestCitizens.timeout());
        // The losers presented a spent token, which ends the session: no token of it is left alive.
        assertThat(live).isZero();
    }

    private WebTestClient.ResponseSpec register(String phone, String password, String realName, String idNumber) {
        return web.post().uri("/api/v1/auth/register").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", phone, "password", password, "realName", realName, "idNumber", idNumber))
                .exchange();
    }

    private WebTestClient.ResponseSpec login(String phone, String password) {
        return web.post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", phone, "password", password))
                .exchange();
    }

    private WebTestClient.ResponseSpec refresh(String token) {
        return web.post().uri("/api/v1/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refreshToken", token))
                .exchange();
    }
}
