package city.onestop.platform;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/** Every error of issue #2 point 4 is problem+json with the right status, a stable code and the request id. */
@IntegrationTest
class ErrorResponsesIT {

    @Autowired
    WebTestClient web;

    @Autowired
    AccessTokens accessTokens;

    @Test
    void unknownRouteIs404() {
        expectProblem(web.get().uri("/api/v1/nothing-here").headers(h -> h.setBearerAuth(citizenToken())).exchange(), 404, "NOT_FOUND");
    }

    @Test
    void wrongMethodIs405() {
        expectProblem(web.delete().uri("/api/v1/me").headers(h -> h.setBearerAuth(citizenToken())).exchange(), 405, "METHOD_NOT_ALLOWED");
        expectProblem(web.get().uri("/api/v1/auth/login").exchange(), 405, "METHOD_NOT_ALLOWED");
    }

    @Test
    void malformedJsonIs400() {
        expectProblem(web.post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"phone\": \"13800138000\", ").exchange(), 400, "MALFORMED_BODY");
    }

    @Test
    void missingBodyIs400() {
        expectProblem(web.post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON).exchange(), 400, "MALFORMED_BODY");
    }

    @Test
    void failedValidationIs400WithFieldErrors() {
        expectProblem(web.post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"phone\": \"\", \"password\": \"x\"}").exchange(), 400, "VALIDATION_FAILED")
                .jsonPath("$.errors[0].field").isEqualTo("phone")
                .jsonPath("$.errors[0].message").isNotEmpty();
    }

    @Test
    void unsupportedMediaTypeIs415() {
        expectProblem(web.post().uri("/api/v1/auth/login").contentType(MediaType.TEXT_PLAIN)
                .bodyValue("phone=13800138000").exchange(), 415, "UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    void declaredBodyOverTheLimitIs413() {
        String big = "{\"phone\":\"" + "1".repeat(70 * 1024) + "\",\"password\":\"x\"}";
        expectProblem(web.post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON).bodyValue(big).exchange(),
                413, "PAYLOAD_TOO_LARGE");
    }

    @Test
    void chunkedBodyOverTheLimitIs413() {
        DefaultDataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;
        Flux<DataBuffer> body = Flux.concat(
                Flux.just(buffers.wrap("{\"phone\":\"".getBytes(StandardCharsets.UTF_8))),
                Flux.range(0, 70).map(i -> buffers.wrap("1".repeat(1024).getBytes(StandardCharsets.UTF_8))),
                Flux.just(buffers.wrap("\",\"password\":\"x\"}".getBytes(StandardCharsets.UTF_8))));
        expectProblem(web.post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                .body(body, DataBuffer.class).exchange(), 413, "PAYLOAD_TOO_LARGE");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "[]",
        "null",
        "\"a string\"",
        "{\"phone\": {\"nested\": 1}, \"password\": \"x\"}",
        "{\"phone\": [\"13800138000\"], \"password\": \"x\"}",
        "{\"phone\": \"13800138000\", \"password\": \"x\"} trailing",
        "{\"phone\": \"\\ud800\", \"password\": \"\\u0000\"}",
        "DEEP"
    })
    void oddJsonIs4xxNever5xx(String body) {
        String json = body.equals("DEEP") ? "{\"phone\":" + "[".repeat(5000) + "]".repeat(5000) + "}" : body;
        for (String path : new String[] {"/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/auth/refresh"}) {
            int status = web.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange()
                    .returnResult(String.class).getStatus().value();
            assertThat(status).as(path + " " + body).isBetween(400, 499);
        }
    }

    @Test
    void invalidUtf8Is400() {
        byte[] body = {'{', '"', 'p', 'h', 'o', 'n', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        int status = web.post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .returnResult(String.class).getStatus().value();
        assertThat(status).isBetween(400, 499);
    }

    @Test
    void unexpectedFailureIs500WithoutInternals() {
        WebTestClient.ResponseSpec response = web.get().uri("/api/v1/test-only/failure")
                .headers(h -> h.setBearerAuth(citizenToken())).exchange();
        String body = response.expectStatus().isEqualTo(500)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).contains("\"code\":\"INTERNAL_ERROR\"").contains("\"requestId\"")
                .doesNotContain("hunter2").doesNotContain("IllegalStateException").doesNotContain("city.onestop")
                .doesNotContain("at ");
    }

    @Test
    void tooManyRequestsIs429WithRetryAfter() {
        // Consecutive failed logins of one phone number (default: 5) lock it.
        String phone = city.onestop.citizen.TestCitizens.randomPhone();
        for (int i = 0; i < 4; i++) {
            login(phone).expectStatus().isUnauthorized();
        }
        // The fifth failure locks the phone: that answer and every later one is a 429 until the lock ends.
        expectProblem(login(phone), 429, "LOGIN_LOCKED");
        login(phone).expectHeader().exists("Retry-After");
    }

    private WebTestClient.ResponseSpec login(String phone) {
        return web.post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"phone\":\"" + phone + "\",\"password\":\"wrong-password\"}").exchange();
    }

    private String citizenToken() {
        return accessTokens.issue(UUID.randomUUID(), Set.of(Role.CITIZEN)).value();
    }

    private static WebTestClient.BodyContentSpec expectProblem(WebTestClient.ResponseSpec response, int status, String code) {
        return response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().exists("X-Request-Id")
                .expectBody()
                .jsonPath("$.status").isEqualTo(status)
                .jsonPath("$.code").isEqualTo(code)
                .jsonPath("$.type").isEqualTo("/problems/" + code.toLowerCase().replace('_', '-'))
                .jsonPath("$.title").isNotEmpty()
                .jsonPath("$.instance").isNotEmpty()
                .jsonPath("$.requestId").isNotEmpty();
    }
}
