package city.onestop.transit.schedule;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Cache-aside in Redis for hot lookups (a stop, a route with its patterns, a stop's timetable rows). Keys carry the
 * feed version ({@code transit:v{versionId}:...}), so a switch makes old entries unreachable at once; the purge of a
 * version deletes them. Redis down is not an outage: the loader answers from PostgreSQL.
 */
@Component
public class TransitCache {

    private static final Logger log = LoggerFactory.getLogger(TransitCache.class);
    private static final Duration TTL = Duration.ofHours(6);

    private final ReactiveRedisTemplate<String, byte[]> redis;

    TransitCache(ReactiveRedisConnectionFactory factory) {
        this.redis = new ReactiveRedisTemplate<>(factory, RedisSerializationContext.<String, byte[]>newSerializationContext(
                        RedisSerializer.string())
                .value(RedisSerializer.byteArray())
                .build());
    }

    public static String key(long version, String kind, String id) {
        return "transit:v" + version + ":" + kind + ":" + id;
    }

    public Mono<byte[]> getOrLoad(String key, Mono<byte[]> loader) {
        return redis.opsForValue().get(key)
                .onErrorResume(e -> {
                    log.debug("Redis read of {} failed, using PostgreSQL: {}", key, e.toString());
                    return Mono.empty();
                })
                .switchIfEmpty(Mono.defer(() -> loader.flatMap(bytes -> redis.opsForValue().set(key, bytes, TTL)
                        .onErrorResume(e -> Mono.just(false))
                        .thenReturn(bytes))));
    }

    /** Deletes every cached entry of a version. */
    public Mono<Long> evictVersion(long version) {
        return redis.scan(ScanOptions.scanOptions().match("transit:v" + version + ":*").count(500).build())
                .buffer(500)
                .concatMap(keys -> redis.delete(keys.toArray(String[]::new)))
                .reduce(0L, Long::sum)
                .onErrorResume(e -> Mono.just(0L));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
