package city.onestop.platform.ratelimit;

import city.onestop.platform.RateLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Fixed-window counters and failure lockouts in Redis, each one atomic Lua script (one round trip, correct
 * across instances). A fixed window can let up to twice the limit through around a window boundary; that is
 * acceptable for login throttling, where the lockout does the real protecting (docs/decisions/0101).
 * Keys: {@code onestop:rl:{key}} (window counter), {@code onestop:lock:{key}:failures} and {@code onestop:lock:{key}};
 * the braces are a Redis Cluster hash tag, keeping a lock and its failure counter in one slot.
 */
public final class RedisRateLimiter implements RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);

    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> ACQUIRE = city.onestop.platform.LuaScripts.of("""
            local n = redis.call('INCR', KEYS[1])
            local ttl = redis.call('PTTL', KEYS[1])
            if n == 1 or ttl < 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
              ttl = tonumber(ARGV[1])
            end
            return {n, ttl}
            """, List.class);

    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> FAILURE = city.onestop.platform.LuaScripts.of("""
            local locked = redis.call('PTTL', KEYS[2])
            if locked > 0 then
              return {-1, locked}
            end
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            if n >= tonumber(ARGV[1]) then
              redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
              redis.call('DEL', KEYS[1])
              return {n, tonumber(ARGV[2])}
            end
            return {n, 0}
            """, List.class);

    private final ReactiveStringRedisTemplate redis;
    private final boolean enabled;
    private final Duration timeout;
    private final Counter failedOpen;

    public RedisRateLimiter(ReactiveStringRedisTemplate redis, boolean enabled, Duration timeout, MeterRegistry meters) {
        this.redis = redis;
        this.enabled = enabled;
        this.timeout = timeout;
        this.failedOpen = Counter.builder("onestop.rate.limit.fail.open")
                .description("Rate-limit checks let through because Redis did not answer")
                .register(meters);
    }

    @Override
    public Mono<Decision> tryAcquire(String key, Limit limit) {
        if (!enabled) {
            return Mono.just(Decision.allow(limit.permits()));
        }
        return guarded("tryAcquire", redis.execute(ACQUIRE, List.of(windowKey(key)), List.of(millis(limit.window())))
                .next()
                .map(result -> {
                    long count = number(result, 0);
                    long ttl = number(result, 1);
                    return count <= limit.permits()
                            ? Decision.allow(limit.permits() - count)
                            : Decision.deny(Duration.ofMillis(Math.max(ttl, 1)));
                }));
    }

    @Override
    public Mono<Decision> checkLock(String key) {
        if (!enabled) {
            return Mono.just(Decision.allow(0));
        }
        return guarded("checkLock", redis.getExpire(lockKey(key))
                .map(ttl -> ttl.isNegative() || ttl.isZero() ? Decision.allow(0) : Decision.deny(ttl))
                .defaultIfEmpty(Decision.allow(0)));
    }

    @Override
    public Mono<Decision> recordFailure(String key, Lockout lockout) {
        if (!enabled) {
            return Mono.just(Decision.allow(lockout.maxFailures()));
        }
        return guarded("recordFailure", redis.execute(FAILURE, List.of(failuresKey(key), lockKey(key)),
                        List.of(Integer.toString(lockout.maxFailures()), millis(lockout.duration())))
                .next()
                .map(result -> {
                    long count = number(result, 0);
                    long ttl = number(result, 1);
                    if (count < 0 || count >= lockout.maxFailures()) {
                        return Decision.deny(Duration.ofMillis(Math.max(ttl, 1)));
                    }
                    return Decision.allow(lockout.maxFailures() - count);
                }));
    }

    @Override
    public Mono<Void> resetFailures(String key) {
        if (!enabled) {
            return Mono.empty();
        }
        return guarded("resetFailures", redis.delete(failuresKey(key)).thenReturn(Decision.allow(0))).then();
    }

    private Mono<Decision> guarded(String operation, Mono<Decision> call) {
        return call.timeout(timeout)
                .onErrorResume(e -> {
                    failedOpen.increment();
                    if (unavailable(e)) {
                        log.warn("Rate limiter {} failed open: Redis did not answer ({})", operation, e.toString());
                    } else {
                        // Not an outage but a defect on our side: worth its stack trace.
                        log.warn("Rate limiter {} failed open on an unexpected error", operation, e);
                    }
                    return Mono.just(Decision.failOpen());
                });
    }

    private static boolean unavailable(Throwable e) {
        return e instanceof java.util.concurrent.TimeoutException
                || e instanceof org.springframework.dao.DataAccessResourceFailureException
                || e instanceof org.springframework.dao.QueryTimeoutException
                || e instanceof org.springframework.data.redis.RedisSystemException;
    }

    private static String windowKey(String key) {
        return "onestop:rl:{" + key + "}";
    }

    private static String failuresKey(String key) {
        return "onestop:lock:{" + key + "}:failures";
    }

    private static String lockKey(String key) {
        return "onestop:lock:{" + key + "}";
    }

    private static String millis(Duration d) {
        return Long.toString(Math.max(1, d.toMillis()));
    }

    private static long number(List<?> result, int index) {
        return ((Number) result.get(index)).longValue();
    }
}
