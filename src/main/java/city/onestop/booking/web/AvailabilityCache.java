package city.onestop.booking.web;

import city.onestop.booking.BookingProperties;
import city.onestop.platform.Page;
import city.onestop.booking.persistence.Views;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Availability pages cached in Redis, cache-aside. Entries live at most {@code availability-cache-ttl}
 * (1 s), which bounds staleness even when an invalidation is lost; bookings and cancellations also bump the
 * department's version, which makes every cached page of that department unreachable at once. Redis
 * failing or slow means reading PostgreSQL, never an error.
 *
 * <p>Keys: {@code booking:avail-version:{departmentId}} (counter) and
 * {@code booking:avail:{departmentId}:{version}:{query}} (JSON page).
 */
@Component
class AvailabilityCache {

    private static final Logger log = LoggerFactory.getLogger(AvailabilityCache.class);
    private static final TypeReference<Page<Views.Session>> PAGE = new TypeReference<>() {};

    private final ReactiveStringRedisTemplate redis;
    private final JsonMapper json;
    private final Duration ttl;

    AvailabilityCache(ReactiveStringRedisTemplate redis, JsonMapper json, BookingProperties properties) {
        this.redis = redis;
        this.json = json;
        this.ttl = properties.availabilityCacheTtl();
    }

    Mono<Page<Views.Session>> get(UUID departmentId, String query, Supplier<Mono<Page<Views.Session>>> loader) {
        return redis.opsForValue().get(versionKey(departmentId))
                .defaultIfEmpty("0")
                .map(version -> "booking:avail:" + departmentId + ":" + version + ":" + query)
                .onErrorResume(e -> {
                    log.debug("Availability cache unavailable, reading the database", e);
                    return Mono.just("");
                })
                .flatMap(key -> key.isEmpty() ? Mono.defer(loader) : cached(key, loader));
    }

    private Mono<Page<Views.Session>> cached(String key, Supplier<Mono<Page<Views.Session>>> loader) {
        return redis.opsForValue().get(key)
                .map(s -> json.readValue(s, PAGE))
                .onErrorResume(e -> Mono.empty())
                .switchIfEmpty(Mono.defer(loader).flatMap(page -> redis.opsForValue()
                        .set(key, json.writeValueAsString(page), ttl)
                                .onErrorResume(e -> Mono.just(false))
                        .thenReturn(page)));
    }

    /** Makes every cached page of the department stale; a failure only leaves the TTL to do it. */
    Mono<Void> invalidate(UUID departmentId) {
        return redis.opsForValue().increment(versionKey(departmentId))
                .then()
                .onErrorResume(e -> {
                    log.warn("Could not invalidate availability of department {}; entries expire within {}", departmentId, ttl);
                    return Mono.empty();
                });
    }

    private static String versionKey(UUID departmentId) {
        return "booking:avail-version:" + departmentId;
    }
}
