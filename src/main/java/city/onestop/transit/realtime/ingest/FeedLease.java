package city.onestop.transit.realtime.ingest;

import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * A lease in Redis that makes one instance the poller of one feed: {@code SET key holder NX PX ttl} to take it,
 * a compare-and-renew script to keep it, a compare-and-delete script to hand it back. A holder that stops
 * renewing loses it after {@code ttl}; whoever asks next takes it. Nothing more than that: no fencing tokens
 * beyond the snapshot versions, which already refuse an older feed header from a leader that lost its lease.
 */
final class FeedLease {

    private static final RedisScript<Long> RENEW = city.onestop.platform.LuaScripts.of(
            """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 0
            """,
            Long.class);

    private static final RedisScript<Long> RELEASE = city.onestop.platform.LuaScripts.of(
            """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """,
            Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final String key;
    private final String holder;
    private final Duration ttl;
    private final Duration commandTimeout;

    FeedLease(ReactiveStringRedisTemplate redis, String feedId, String holder, Duration ttl, Duration commandTimeout) {
        this.redis = redis;
        this.key = RedisKeys.lease(feedId);
        this.holder = holder;
        this.ttl = ttl;
        this.commandTimeout = commandTimeout;
    }

    /** Renews the lease if this holder has it, else takes it if free. Emits whether this holder now holds it. */
    Mono<Boolean> tryHold() {
        return redis.execute(RENEW, List.of(key), List.of(holder, Long.toString(ttl.toMillis())))
                .next()
                .map(renewed -> renewed == 1L)
                .flatMap(renewed -> renewed
                        ? Mono.just(true)
                        : redis.opsForValue().setIfAbsent(key, holder, ttl))
                .defaultIfEmpty(false)
                .timeout(commandTimeout);
    }

    /** Gives the lease back so another instance can take over at once (on shutdown). */
    Mono<Boolean> release() {
        return redis.execute(RELEASE, List.of(key), List.of(holder))
                .next()
                .map(n -> n == 1L)
                .defaultIfEmpty(false)
                .timeout(commandTimeout);
    }

    /** Who holds the lease now, if anyone. */
    Mono<String> currentHolder() {
        return redis.opsForValue().get(key).timeout(commandTimeout);
    }

    String holder() {
        return holder;
    }
}
