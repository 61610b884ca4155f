package city.onestop.platform;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.platform.RateLimiter.Limit;
import city.onestop.platform.RateLimiter.Lockout;
import city.onestop.platform.ratelimit.RedisRateLimiter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** {@code onestop.rate-limit.enabled=false}: everything is allowed and Redis is never asked (there is none here). */
class RedisRateLimiterDisabledTests {

    private final RateLimiter limiter = new RedisRateLimiter(null, false, Duration.ofMillis(100), new SimpleMeterRegistry());

    @Test
    void allowsEverythingWithoutRedis() {
        Limit one = new Limit(1, Duration.ofMinutes(1));
        for (int i = 0; i < 5; i++) {
            StepVerifier.create(limiter.tryAcquire("k", one)).expectNextMatches(RateLimiter.Decision::allowed).verifyComplete();
            StepVerifier.create(limiter.recordFailure("k", new Lockout(1, Duration.ofMinutes(1))))
                    .expectNextMatches(RateLimiter.Decision::allowed).verifyComplete();
        }
        StepVerifier.create(limiter.checkLock("k")).expectNextMatches(RateLimiter.Decision::allowed).verifyComplete();
        StepVerifier.create(limiter.resetFailures("k")).verifyComplete();
    }

    @Test
    void roundsRetryAfterUpToWholeSeconds() {
        assertThat(RateLimiter.Decision.deny(Duration.ofMillis(1)).retryAfterSeconds()).isEqualTo(1);
        assertThat(RateLimiter.Decision.deny(Duration.ofMillis(1001)).retryAfterSeconds()).isEqualTo(2);
    }
}
