package city.onestop.citizen;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.citizen.TestCitizens.Registered;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.test.web.reactive.server.WebTestClient;

@IntegrationTest
class CitizenTokensIT {

    @Autowired
    WebTestClient web;

    @Autowired
    AccessTokens accessTokens;

    @Autowired
    SecretKey signingKey;

    @Test
    void expiredTokenIs401() {
        Registered c = TestCitizens.register(web);
        Instant past = Instant.now().minus(1, ChronoUnit.HOURS);
        String expired = sign(JwtClaimsSet.builder().issuer("onestop").subject(c.id())
                .issuedAt(past.minus(15, ChronoUnit.MINUTES)).expiresAt(past).claim("roles", List.of("CITIZEN")).build());
        me(expired).expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void tamperedTokenIs401() {
        Registered c = TestCitizens.register(web);
        String token = accessTokens.issue(UUID.fromString(c.id()), Set.of(Role.CITIZEN)).value();
        me(token).expectStatus().isOk();
        // Swap the payload for one that claims ADMIN, keeping the original signature.
        String[] parts = token.split("\\.");
        String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"iss\":\"onestop\",\"sub\":\"" + c.id() + "\",\"exp\":" + (Instant.now().getEpochSecond() + 600)
                        + ",\"roles\":[\"CITIZEN\",\"ADMIN\"]}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        me(parts[0] + "." + forged + "." + parts[2]).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.code").isEqualTo("UNAUTHENTICATED");
        me(token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA")).expectStatus().isUnauthorized();
    }

    @Test
    void tokenSignedWithAnotherKeyIs401() {
        SecretKey other = new javax.crypto.spec.SecretKeySpec(new byte[32], "HmacSHA256");
        String token = new NimbusJwtEncoder(new ImmutableSecret<>(other)).encode(JwtEncoderParameters.from(
                JwsHeader.with(MacAlgorithm.HS256).build(),
                JwtClaimsSet.builder().issuer("onestop").subject(UUID.randomUUID().toString())
                        .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(600)).build())).getTokenValue();
        me(token).expectStatus().isUnauthorized();
    }

    @Test
    void missingTokenIs401() {
        web.get().uri("/api/v1/me").exchange().expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void citizenCallingAnAdminEndpointIs403() {
        Registered c = TestCitizens.register(web);
        String token = (String) TestCitizens.login(web, c.phone(), c.password()).get("accessToken");
        web.get().uri("/api/v1/admin/citizens/{id}", c.id()).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("FORBIDDEN");
        web.put().uri("/api/v1/admin/citizens/{id}/roles", c.id()).headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("roles", List.of("ADMIN"))).exchange()
                .expectStatus().isForbidden();
    }

    @Test
    void adminGrantsARoleThatTheCitizensNextRefreshCarries() {
        Registered c = TestCitizens.register(web);
        Map<String, Object> tokens = TestCitizens.login(web, c.phone(), c.password());
        String admin = accessTokens.issue(UUID.randomUUID(), Set.of(Role.ADMIN)).value();

        web.get().uri("/api/v1/admin/citizens/{id}", c.id()).headers(h -> h.setBearerAuth(admin)).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.phone").isEqualTo(c.phone()).jsonPath("$.roles").isEqualTo(List.of("CITIZEN"));

        web.put().uri("/api/v1/admin/citizens/{id}/roles", c.id()).headers(h -> h.setBearerAuth(admin))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("roles", List.of("CITIZEN", "HOSPITAL_STAFF"))).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.roles.length()").isEqualTo(2);

        String refreshed = (String) web.post().uri("/api/v1/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refreshToken", tokens.get("refreshToken"))).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("accessToken");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(refreshed.split("\\.")[1]),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(payload).contains("HOSPITAL_STAFF");
    }

    @Test
    void adminEndpointsAnswer404And400ForBadTargets() {
        String admin = accessTokens.issue(UUID.randomUUID(), Set.of(Role.ADMIN)).value();
        web.get().uri("/api/v1/admin/citizens/{id}", UUID.randomUUID()).headers(h -> h.setBearerAuth(admin)).exchange()
                .expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("CITIZEN_NOT_FOUND");
        web.get().uri("/api/v1/admin/citizens/not-a-uuid").headers(h -> h.setBearerAuth(admin)).exchange()
                .expectStatus().isBadRequest();
        web.put().uri("/api/v1/admin/citizens/{id}/roles", UUID.randomUUID()).headers(h -> h.setBearerAuth(admin))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("roles", List.of("CITIZEN"))).exchange()
                .expectStatus().isNotFound();
        web.put().uri("/api/v1/admin/citizens/{id}/roles", UUID.randomUUID()).headers(h -> h.setBearerAuth(admin))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("roles", List.of("KING"))).exchange()
                .expectStatus().isBadRequest();
        web.put().uri("/api/v1/admin/citizens/{id}/roles", UUID.randomUUID()).headers(h -> h.setBearerAuth(admin))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("roles", List.of())).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("VALIDATION_FAILED");
    }

    @Test
    void meForATokenWhoseSubjectIsNoCitizenIs404() {
        String token = accessTokens.issue(UUID.randomUUID(), Set.of(Role.CITIZEN)).value();
        me(token).expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("CITIZEN_NOT_FOUND");
    }

    private WebTestClient.ResponseSpec me(String token) {
        return web.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange();
    }

    private String sign(JwtClaimsSet claims) {
        return new NimbusJwtEncoder(new ImmutableSecret<>(signingKey))
                .encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims)).getTokenValue();
    }
}
