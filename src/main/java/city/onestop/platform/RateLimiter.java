package city.onestop.platform;

import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Counters and lockouts shared by every instance through Redis. Keys are free-form ("login:phone:..."); the
 * implementation namespaces them. When Redis cannot answer, every method fails open: it allows the request,
 * logs, and counts {@code onestop.rate.limit.fail.open}, so an outage of the cache never locks citizens out.
 * With {@code onestop.rate-limit.enabled=false} every method allows everything without touching Redis.
 */
public interface RateLimiter {

    /** Counts one event against {@code key}; denied once more than {@code limit.permits()} happened in the window. */
    Mono<Decision> tryAcquire(String key, Limit limit);

    /** Whether {@code key} is locked by {@link #recordFailure}; allowed when it is not. */
    Mono<Decision> checkLock(String key);

    /**
     * Records a failure against {@code key}; the {@code lockout.maxFailures()}-th consecutive failure (within
     * {@code lockout.duration()} of the first) locks the key for {@code lockout.duration()}: the answer is denied.
     */
    Mono<Decision> recordFailure(String key, Lockout lockout);

    /** Forgets the consecutive failures of {@code key} (a success breaks the run); does not lift a lock. */
    Mono<Void> resetFailures(String key);

    /** At most {@code permits} events per {@code window} (a fixed window starting at the first event). */
    record Limit(long permits, Duration window) {
        public Limit {
            if (permits < 1 || window == null || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("A limit needs permits >= 1 and a positive window");
            }
        }
    }

    /** Lock for {@code duration} after {@code maxFailures} consecutive failures. */
    record Lockout(int maxFailures, Duration duration) {
        public Lockout {
            if (maxFailures < 1 || duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("A lockout needs maxFailures >= 1 and a positive duration");
            }
        }
    }

    /**
     * The answer: {@code retryAfter} is how long until the window or lock ends when denied (zero when allowed);
     * {@code failedOpen} is true when Redis did not answer and the request was let through regardless.
     */
    record Decision(boolean allowed, long remaining, Duration retryAfter, boolean failedOpen) {

        public static Decision allow(long remaining) {
            return new Decision(true, remaining, Duration.ZERO, false);
        }

        public static Decision deny(Duration retryAfter) {
            return new Decision(false, 0, retryAfter, false);
        }

        public static Decision failOpen() {
            return new Decision(true, 0, Duration.ZERO, true);
        }

        /** Whole seconds for a {@code Retry-After} header, at least 1. */
        public long retryAfterSeconds() {
            long ms = retryAfter.toMillis();
            return Math.max(1, (ms + 999) / 1000);
        }
    }
}
