package city.onestop.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class VerifiedTokensTests {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private final SecretKey key = new SecretKeySpec(new byte[32], "HmacSHA256");
    private final NimbusJwtEncoder encoder = new NimbusJwtEncoder(new ImmutableSecret<>(key));
    private final Instant start = Instant.parse("2026-12-01T10:00:00Z");
    private Clock clock = Clock.fixed(start, ZoneOffset.UTC);
    private final AtomicInteger verifications = new AtomicInteger();
    private VerifiedTokens tokens;

    @BeforeEach
    void decoder() {
        JwtTimestampValidator timestamps = new JwtTimestampValidator(Duration.ZERO);
        // The validator reads the test's clock at each call, so moving the clock expires what is cached.
        timestamps.setClock(new Clock() {
            @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return clock.instant(); }
        });
        OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(timestamps, new JwtIssuerValidator("onestop"));
        NimbusReactiveJwtDecoder nimbus = NimbusReactiveJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256).build();
        nimbus.setJwtValidator(validator);
        ReactiveJwtDecoder counting = token -> Mono.defer(() -> {
            verifications.incrementAndGet();
            return nimbus.decode(token);
        });
        tokens = new VerifiedTokens(counting, validator, 4);
    }

    private String token(String subject, Duration lifetime) {
        JwtClaimsSet claims = JwtClaimsSet.builder().issuer("onestop").subject(subject).issuedAt(start)
                .expiresAt(start.plus(lifetime)).claim("roles", List.of("CITIZEN")).build();
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims)).getTokenValue();
    }

    @Test
    void verifiesATokenOnceForItsRepeatedUse() {
        String token = token("alice", Duration.ofMinutes(15));
        for (int i = 0; i < 3; i++) {
            StepVerifier.create(tokens.decode(token)).assertNext(jwt -> assertThat(jwt.getSubject()).isEqualTo("alice"))
                    .expectComplete().verify(WAIT);
        }
        assertThat(verifications).hasValue(1);
    }

    @Test
    void refusesACachedTokenOnceItHasExpired() {
        String token = token("alice", Duration.ofMinutes(15));
        StepVerifier.create(tokens.decode(token)).expectNextCount(1).expectComplete().verify(WAIT);
        clock = Clock.fixed(start.plus(Duration.ofMinutes(16)), ZoneOffset.UTC);
        StepVerifier.create(tokens.decode(token)).expectError(JwtValidationException.class).verify(WAIT);
        assertThat(tokens.size()).isZero();
    }

    @Test
    void neverKeepsATokenWithAnotherSignature() {
        String token = token("alice", Duration.ofMinutes(15));
        StepVerifier.create(tokens.decode(token)).expectNextCount(1).expectComplete().verify(WAIT);
        String forged = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        StepVerifier.create(tokens.decode(forged)).expectError().verify(WAIT);
        StepVerifier.create(tokens.decode(forged)).expectError().verify(WAIT);
        assertThat(verifications).hasValue(3);
        assertThat(tokens.size()).isEqualTo(1);
    }

    @Test
    void staysWithinItsBound() {
        for (int i = 0; i < 10; i++) {
            StepVerifier.create(tokens.decode(token("citizen-" + i, Duration.ofMinutes(15)))).expectNextCount(1)
                    .expectComplete().verify(WAIT);
            assertThat(tokens.size()).isLessThanOrEqualTo(4);
        }
    }
}
