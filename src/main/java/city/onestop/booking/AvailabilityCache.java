package city.onestop.booking;

import city.onestop.platform.Page;
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
 * <p>Keys: {@code booking:avail-version:{departmentId}} (counter),
 * {@code booking:avail:{departmentId}:{version}:{query}} (JSON page), and
 * {@code booking:slot-full:{slotId}} ("{departmentId}:{version}" when an attempt last found the slot full of
 * bookings; a slot whose places include holds is never marked, since an expiring hold bumps no version).
 *
 * <p>A slot known full is refused without a database round trip while its department's version is the one it was
 * marked full at (any cancellation, expiry or capacity change bumps it) and for at most the TTL (1 s) otherwise.
 * It only ever refuses: every booking that succeeds is still decided by the conditional UPDATE in PostgreSQL.
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

    /** Whether an attempt found the slot full within the TTL and nothing in its department changed since. */
    Mono<Boolean> knownFull(UUID slotId) {
        return redis.opsForValue().get(fullKey(slotId))
                .flatMap(marked -> {
                    int colon = marked.indexOf(':');
                    if (colon < 0) {
                        return Mono.just(false);
                    }
                    String version = marked.substring(colon + 1);
                    return redis.opsForValue().get("booking:avail-version:" + marked.substring(0, colon))
                            .defaultIfEmpty("0")
                            .map(version::equals);
                })
                .defaultIfEmpty(false)
                .onErrorResume(e -> Mono.just(false));
    }

    /** Remembers, for the TTL, that an attempt found the slot full at the department's current version. */
    Mono<Void> markFull(UUID slotId, UUID departmentId) {
        return redis.opsForValue().get(versionKey(departmentId))
                .defaultIfEmpty("0")
                .flatMap(version -> redis.opsForValue().set(fullKey(slotId), departmentId + ":" + version, ttl))
                .then()
                .onErrorResume(e -> Mono.empty());
    }

    private static String fullKey(UUID slotId) {
        return "booking:slot-full:" + slotId;
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
