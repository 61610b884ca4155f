package city.onestop.transit.realtime.ingest;

import city.onestop.platform.ProblemException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/**
 * The live state of every feed: written to Redis by the instance holding a feed's lease, announced on a pub/sub
 * channel, and held by every instance in a near cache that the announcements refresh. Reads are served from the
 * near cache; Redis is asked only on a miss, with a short timeout. When Redis is down, reads answer from the near
 * cache flagged with their age, or with a 503 problem when there is nothing to answer from.
 */
@Component
public class LiveState implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LiveState.class);

    /**
     * Writes the snapshot only if its version is newer than the stored one, then announces it; atomic, so a
     * leader that lost its lease mid-poll cannot put an older feed back.
     */
    private static final RedisScript<Long> WRITE_IF_NEWER = city.onestop.platform.LuaScripts.of(
            """
            local current = tonumber(redis.call('GET', KEYS[2]) or '-1')
            if tonumber(ARGV[2]) <= current then return 0 end
            redis.call('SET', KEYS[1], ARGV[1])
            redis.call('SET', KEYS[2], ARGV[2])
            redis.call('PUBLISH', ARGV[3], ARGV[4])
            return 1
            """,
            Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final ReactiveRedisConnectionFactory connections;
    private final JsonMapper json;
    /**
     * Built once, on the constructing thread, with their (de)serializers fetched eagerly: resolving them on first use
     * takes Jackson's cache lock, which two Reactor threads decoding the first snapshots at once contend for (a
     * {@code BlockingOperationError} under BlockHound, a 503 for the rider).
     */
    private final tools.jackson.databind.ObjectReader snapshotReader;
    private final tools.jackson.databind.ObjectWriter snapshotWriter;
    private final Clock clock;
    private final LiveFeedProperties.Realtime config;
    private final Map<NearKey, LiveSnapshot> near = new ConcurrentHashMap<>();
    /**
     * Feed kinds that Redis had no snapshot of, until when ({@link System#nanoTime()}): a feed without alerts would
     * otherwise cost every board a Redis round trip. A snapshot published here or announced by another instance ends
     * the absence at once; the bound covers a missed announcement. Infrastructure time, not the service clock (a test
     * that freezes the clock must not freeze a cache).
     */
    private final Map<NearKey, Long> absentUntil = new ConcurrentHashMap<>();
    static final Duration ABSENCE_REMEMBERED = Duration.ofSeconds(1);
    private volatile Disposable subscription;
    private final Sinks.Many<String> changes = Sinks.many().multicast().directBestEffort();

    public LiveState(
            ReactiveStringRedisTemplate redis,
            ReactiveRedisConnectionFactory connections,
            JsonMapper json,
            Clock clock,
            LiveFeedProperties properties) {
        this.redis = redis;
        this.connections = connections;
        this.json = json;
        this.snapshotReader = json.readerFor(LiveSnapshot.class);
        this.snapshotWriter = json.writerFor(LiveSnapshot.class);
        this.clock = clock;
        this.config = properties.realtime();
    }

    /** Stores and announces a snapshot; emits false when a newer one is already there. */
    Mono<Boolean> publish(LiveSnapshot snapshot) {
        return Mono.fromCallable(() -> snapshotWriter.writeValueAsString(snapshot))
                .subscribeOn(Schedulers.parallel())
                .flatMap(payload -> redis.execute(
                                WRITE_IF_NEWER,
                                List.of(
                                        RedisKeys.snapshot(snapshot.feedId(), snapshot.kind()),
                                        RedisKeys.snapshotVersion(snapshot.feedId(), snapshot.kind())),
                                List.of(
                                        payload,
                                        Long.toString(snapshot.version()),
                                        RedisKeys.CHANGES_CHANNEL,
                                        announcement(snapshot)))
                        .next())
                .timeout(config.requestTimeout())
                .map(written -> written == 1L)
                .doOnNext(written -> {
                    if (written) remember(snapshot);
                });
    }

    /**
     * The snapshot of one feed kind as this instance knows it: from the near cache when present (no Redis round
     * trip), else from Redis. Empty when the feed has never been ingested.
     */
    public Mono<LiveView> read(String feedId, FeedKind kind) {
        NearKey key = key(feedId, kind);
        LiveSnapshot cached = near.get(key);
        if (cached != null) return Mono.just(view(cached));
        Long absent = absentUntil.get(key);
        if (absent != null && System.nanoTime() - absent < 0) return Mono.empty();
        return load(feedId, kind)
                .map(this::view)
                .onErrorMap(e -> !(e instanceof ProblemException), LiveState::unavailable);
    }

    /**
     * Drops a feed's live state here and in Redis (a feed taken out of service; a test's throwaway feed): its
     * snapshots no longer count towards any list's age or staleness. Other instances keep their near copy until
     * they restart; a later poll of the feed starts afresh.
     */
    public Mono<Void> forget(String feedId) {
        List<String> keys = new java.util.ArrayList<>();
        for (FeedKind kind : FeedKind.values()) {
            near.remove(key(feedId, kind));
            absentUntil.remove(key(feedId, kind));
            keys.add(RedisKeys.snapshot(feedId, kind));
            keys.add(RedisKeys.snapshotVersion(feedId, kind));
        }
        return redis.delete(keys.toArray(String[]::new)).timeout(config.requestTimeout()).then();
    }

    /** Near cache only, never Redis: for metrics and anything that must not wait. */
    public Optional<LiveSnapshot> peek(String feedId, FeedKind kind) {
        return Optional.ofNullable(near.get(key(feedId, kind)));
    }

    /** Feeds this instance has seen a snapshot of, for one kind. */
    public Set<String> knownFeeds(FeedKind kind) {
        Set<String> ids = new TreeSet<>();
        for (LiveSnapshot s : near.values()) {
            if (s.kind() == kind) ids.add(s.feedId());
        }
        return ids;
    }

    private Mono<LiveSnapshot> load(String feedId, FeedKind kind) {
        return redis.opsForValue()
                .get(RedisKeys.snapshot(feedId, kind))
                .timeout(config.redisTimeout())
                .publishOn(Schedulers.parallel())
                .map(payload -> snapshotReader.<LiveSnapshot>readValue(payload))
                .doOnNext(this::remember)
                .switchIfEmpty(Mono.fromRunnable(() -> absentUntil.put(key(feedId, kind),
                        System.nanoTime() + ABSENCE_REMEMBERED.toNanos())));
    }

    private LiveView view(LiveSnapshot s) {
        Duration age = Duration.between(s.headerTimestamp(), clock.instant());
        return new LiveView(s, age.isNegative() ? Duration.ZERO : age, age.compareTo(config.staleAfter()) > 0);
    }

    private void remember(LiveSnapshot s) {
        absentUntil.remove(key(s.feedId(), s.kind()));
        LiveSnapshot kept = near.merge(key(s.feedId(), s.kind()), s, (old, neu) -> neu.version() >= old.version() ? neu : old);
        if (kept == s) changes.emitNext(s.feedId(), Sinks.EmitFailureHandler.busyLooping(Duration.ofMillis(100)));
    }

    /**
     * The ids of feeds whose snapshot in this instance's near cache was just replaced by a newer one, whichever
     * instance ingested it (announcements arrive through Redis pub/sub). Hot; slow subscribers miss signals, which
     * is harmless: the next one carries the newer state.
     */
    public Flux<String> changes() {
        return changes.asFlux();
    }

    /** A change announced by whichever instance polls that feed: reload if newer than what we hold. */
    private Mono<Void> onAnnouncement(String message) {
        String[] parts = message.split(" ");
        if (parts.length != 3) return Mono.empty();
        FeedKind kind;
        long version;
        try {
            kind = FeedKind.fromSlug(parts[1]);
            version = Long.parseLong(parts[2]);
        } catch (IllegalArgumentException e) {
            log.warn("Ignoring malformed realtime announcement '{}'", message);
            return Mono.empty();
        }
        LiveSnapshot cached = near.get(key(parts[0], kind));
        if (cached != null && cached.version() >= version) return Mono.empty();
        return load(parts[0], kind)
                .doOnError(e -> log.warn("Could not refresh {} {} from Redis: {}", parts[0], kind, e.toString()))
                .onErrorComplete()
                .then();
    }

    private static String announcement(LiveSnapshot s) {
        return s.feedId() + " " + s.kind().slug() + " " + s.version();
    }

    /** A near-cache key: a record, so a read on the hot path builds no string. */
    private record NearKey(String feedId, FeedKind kind) {}

    private static NearKey key(String feedId, FeedKind kind) {
        return new NearKey(feedId, kind);
    }

    public static ProblemException unavailable(Throwable cause) {
        return new ProblemException(
                HttpStatus.SERVICE_UNAVAILABLE,
                "REALTIME_UNAVAILABLE",
                "Live data unavailable",
                "The live transit state cannot be read right now (" + cause.getClass().getSimpleName()
                        + "); try again shortly");
    }

    @Override
    public void start() {
        // Lettuce opens its shared connection on first use, synchronously. Open it here, on the starting thread,
        // so that first use is never a Reactor thread (the poller's first lease check runs on one).
        try {
            connections.getReactiveConnection().close();
        } catch (RuntimeException e) {
            log.warn("Redis not reachable at startup; live state will be retried: {}", e.toString());
        }
        // One listener container per subscription attempt: after a Redis restart the old connection is gone, so
        // the retry builds a fresh one. Announcements missed meanwhile are covered by the next one, which
        // reloads the whole snapshot. Creating a container opens a connection, hence boundedElastic.
        subscription = Flux.usingWhen(
                        Mono.fromCallable(() -> new ReactiveRedisMessageListenerContainer(connections))
                                .subscribeOn(Schedulers.boundedElastic()),
                        c -> c.receive(ChannelTopic.of(RedisKeys.CHANGES_CHANNEL)),
                        ReactiveRedisMessageListenerContainer::destroyLater)
                .concatMap(m -> onAnnouncement(m.getMessage()))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(10)))
                .subscribe(null, e -> log.error("Realtime change subscription ended", e));
    }

    @Override
    public void stop() {
        Disposable s = subscription;
        if (s != null) s.dispose();
        subscription = null;
    }

    @Override
    public boolean isRunning() {
        return subscription != null;
    }
}
