package city.onestop.transit.realtime.ingest;

import java.util.ArrayList;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/** Feed health in Redis: one hash per feed, one JSON field per kind, written by whichever instance polls. */
@Component
public class FeedHealthStore {

    private final ReactiveStringRedisTemplate redis;
    private final JsonMapper json;
    private final LiveFeedProperties.Realtime config;

    FeedHealthStore(ReactiveStringRedisTemplate redis, JsonMapper json, LiveFeedProperties properties) {
        this.redis = redis;
        this.json = json;
        this.config = properties.realtime();
    }

    Mono<Boolean> save(String feedId, FeedHealth health) {
        return Mono.fromCallable(() -> json.writeValueAsString(health))
                .flatMap(payload -> redis.<String, String>opsForHash()
                        .put(RedisKeys.health(feedId), health.kind().slug(), payload))
                .timeout(config.redisTimeout());
    }

    Mono<FeedHealth> find(String feedId, FeedKind kind) {
        return redis.<String, String>opsForHash()
                .get(RedisKeys.health(feedId), kind.slug())
                .timeout(config.redisTimeout())
                .map(payload -> json.readValue(payload, FeedHealth.class));
    }

    /** Every kind's health in one round trip (HMGET on a hash of at most three small fields). */
    public Mono<List<FeedHealth>> findAll(String feedId) {
        List<Object> fields = new ArrayList<>();
        for (FeedKind k : FeedKind.values()) fields.add(k.slug());
        return redis.<Object, String>opsForHash()
                .multiGet(RedisKeys.health(feedId), fields)
                .timeout(config.redisTimeout())
                .publishOn(Schedulers.parallel())
                .map(values -> values.stream()
                        .filter(v -> v != null)
                        .map(v -> json.readValue(v, FeedHealth.class))
                        .toList());
    }
}
