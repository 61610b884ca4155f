package city.onestop.platform;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;

/** Issues the signed access tokens that every OneStop endpoint accepts. */
public interface AccessTokens {

    IssuedToken issue(UUID subject, Set<Role> roles);

    Duration lifetime();

    record IssuedToken(String value, long expiresInSeconds) {}
}
