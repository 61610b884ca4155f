package city.onestop.booking.web;

import city.onestop.booking.BookingProperties;
import city.onestop.booking.persistence.BookingErrors;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Booking attempts per citizen: a fixed window counted in Redis (INCR, PEXPIRE on the first hit, in one
 * script). Fails open when Redis is down: PostgreSQL still guarantees correctness, the limit only sheds
 * load; a slow Redis is cut off by the client's command timeout (spring.data.redis.timeout). Key: {@code booking:rate:{citizenId}:{window}}.
 */
@Component
class BookingRateLimiter {

    private static final Logger log = LoggerFactory.getLogger(BookingRateLimiter.class);
    private static final RedisScript<Long> INCR = RedisScript.of(
            "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n", Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final Clock clock;
    private final int attempts;
    private final Duration window;
    private final boolean enabled;

    BookingRateLimiter(ReactiveStringRedisTemplate redis, Clock clock, BookingProperties properties,
            @Value("${onestop.rate-limit.enabled:true}") boolean enabled) {
        this.redis = redis;
        this.clock = clock;
        this.attempts = properties.rateLimitAttempts();
        this.window = properties.rateLimitWindow();
        this.enabled = enabled;
    }

    Mono<Void> acquire(UUID citizenId) {
        if (!enabled) {
            return Mono.empty();
        }
        long windowMillis = window.toMillis();
        long nowMillis = clock.millis();
        long index = nowMillis / windowMillis;
        String key = "booking:rate:" + citizenId + ":" + index;
        return redis.execute(INCR, List.of(key), List.of(Long.toString(windowMillis)))
                .next()
                .onErrorResume(e -> {
                    log.warn("Booking rate limiter unavailable; letting the attempt through", e);
                    return Mono.just(0L);
                })
                .flatMap(n -> n > attempts
                        ? Mono.error(BookingErrors.rateLimited(Math.max(1, ((index + 1) * windowMillis - nowMillis + 999) / 1000)))
                        : Mono.empty());
    }
}
