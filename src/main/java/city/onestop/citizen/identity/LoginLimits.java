package city.onestop.citizen.identity;

import city.onestop.platform.RateLimiter.Limit;
import city.onestop.platform.RateLimiter.Lockout;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code onestop.rate-limit.login.*}: login attempts per phone and per client address, and the lockout of a
 * phone after consecutive failures. The per-address limit is generous on purpose: many citizens share one
 * carrier-grade NAT address; the per-phone lockout is what stops password guessing.
 */
@ConfigurationProperties("onestop.rate-limit.login")
public record LoginLimits(Limit perPhone, Limit perIp, Lockout lockout) {

    public LoginLimits {
        perPhone = perPhone == null ? new Limit(10, Duration.ofMinutes(1)) : perPhone;
        perIp = perIp == null ? new Limit(100, Duration.ofMinutes(1)) : perIp;
        lockout = lockout == null ? new Lockout(5, Duration.ofMinutes(15)) : lockout;
    }
}
