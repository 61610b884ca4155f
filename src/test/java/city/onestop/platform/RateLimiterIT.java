package city.onestop.platform;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.RateLimiter.Decision;
import city.onestop.platform.RateLimiter.Limit;
import city.onestop.platform.RateLimiter.Lockout;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.core.publisher.Flux;

@IntegrationTest
class RateLimiterIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Autowired
    RateLimiter limiter;

    @Test
    void allowsThePermitsOfAWindowThenDeniesWithTheTimeLeft() {
        String key = "test:" + UUID.randomUUID();
        Limit limit = new Limit(3, Duration.ofMinutes(1));
        for (int i = 2; i >= 0; i--) {
            Decision d = limiter.tryAcquire(key, limit).block(TIMEOUT);
            assertThat(d.allowed()).isTrue();
            assertThat(d.remaining()).isEqualTo(i);
        }
        Decision denied = limiter.tryAcquire(key, limit).block(TIMEOUT);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.failedOpen()).isFalse();
        assertThat(denied.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void countsConcurrentAcquisitionsExactly() {
        String key = "test:" + UUID.randomUUID();
        Limit limit = new Limit(50, Duration.ofMinutes(1));
        List<Decision> decisions = Flux.range(0, 200)
                .flatMap(i -> limiter.tryAcquire(key, limit), 64)
                .collectList().block(TIMEOUT);
        assertThat(decisions).filteredOn(Decision::allowed).hasSize(50);
    }

    @Test
    void locksAfterConsecutiveFailuresAndSuccessResetsTheRun() {
        String key = "test:" + UUID.randomUUID();
        Lockout lockout = new Lockout(3, Duration.ofMinutes(5));
        assertThat(limiter.recordFailure(key, lockout).block(TIMEOUT).remaining()).isEqualTo(2);
        assertThat(limiter.recordFailure(key, lockout).block(TIMEOUT).remaining()).isEqualTo(1);
        limiter.resetFailures(key).block(TIMEOUT);
        assertThat(limiter.recordFailure(key, lockout).block(TIMEOUT).remaining()).isEqualTo(2);
        assertThat(limiter.recordFailure(key, lockout).block(TIMEOUT).allowed()).isTrue();
        assertThat(limiter.checkLock(key).block(TIMEOUT).allowed()).isTrue();

        Decision locking = limiter.recordFailure(key, lockout).block(TIMEOUT);
        assertThat(locking.allowed()).isFalse();
        Decision locked = limiter.checkLock(key).block(TIMEOUT);
        assertThat(locked.allowed()).isFalse();
        assertThat(locked.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5));
        // A reset (a success elsewhere) does not lift a lock that is in force.
        limiter.resetFailures(key).block(TIMEOUT);
        assertThat(limiter.checkLock(key).block(TIMEOUT).allowed()).isFalse();
    }
}
