package city.onestop.booking;

import city.onestop.platform.RateLimiter;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Booking attempts (holds, bookings, reschedules) per citizen, on the platform's Redis {@link RateLimiter}
 * (key {@code booking:attempts:{citizenId}}). It fails open when Redis is down: PostgreSQL still guarantees
 * correctness, the limit only sheds load.
 */
@Component
class BookingRateLimiter {

    private final RateLimiter limiter;
    private final RateLimiter.Limit limit;

    BookingRateLimiter(RateLimiter limiter, BookingProperties properties) {
        this.limiter = limiter;
        this.limit = new RateLimiter.Limit(properties.rateLimitAttempts(), properties.rateLimitWindow());
    }

    Mono<Void> acquire(UUID citizenId) {
        return limiter.tryAcquire("booking:attempts:" + citizenId, limit)
                .flatMap(decision -> decision.allowed()
                        ? Mono.<Void>empty()
                        : Mono.error(new BookingError.RateLimited(decision.retryAfterSeconds())));
    }
}
