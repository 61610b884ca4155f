package city.onestop.platform.security;

import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

final class JwtAccessTokens implements AccessTokens {

    static final String ISSUER = "onestop";

    private final JwtEncoder encoder;
    private final Duration lifetime;
    private final Clock clock;

    JwtAccessTokens(JwtEncoder encoder, Duration lifetime, Clock clock) {
        this.encoder = encoder;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    @Override
    public IssuedToken issue(UUID subject, Set<Role> roles) {
        // Token lifetimes use real time even when the service clock is fixed for replaying a feed.
        Instant now = Instant.now();
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(ISSUER)
                .subject(subject.toString())
                .issuedAt(now)
                .expiresAt(now.plus(lifetime))
                .id(UUID.randomUUID().toString())
                .claim("roles", roles.stream().map(Role::name).sorted().toList())
                .build();
        String value = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
                .getTokenValue();
        return new IssuedToken(value, lifetime.toSeconds());
    }

    @Override
    public Duration lifetime() {
        return lifetime;
    }

    Clock clock() {
        return clock;
    }
}
