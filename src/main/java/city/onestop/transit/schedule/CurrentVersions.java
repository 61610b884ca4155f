package city.onestop.transit.schedule;

import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Which version of each feed is current, held in memory so a request resolves it without a round trip. Refreshed
 * after a local switch, on a Redis pub/sub message from the instance that switched, and every 10 s as a safety net.
 * A request takes one snapshot and reads every table at that version, so it never mixes two versions.
 */
@Component
public class CurrentVersions {

    public static final String CHANNEL = "transit:versions";
    private static final Logger log = LoggerFactory.getLogger(CurrentVersions.class);

    public record FeedVersion(String feedId, long versionId, ZoneId zone) {}

    private final DatabaseClient db;
    private final ReactiveStringRedisTemplate redis;
    /** How long a client should wait before asking again for a stop of a feed whose first import runs. */
    public static final long LOADING_RETRY_AFTER_SECONDS = 5;

    /**
     * The current versions, and the feeds without one whose (first) import is running on any instance, as read by
     * the refresh numbered {@code ticket}.
     */
    private record Known(long ticket, Map<String, FeedVersion> current, java.util.Set<String> loading) {}

    private final AtomicReference<Known> known = new AtomicReference<>(new Known(0, Map.of(), java.util.Set.of()));
    /** Refreshes are numbered as they start; a result is applied only if no later-started one was applied first. */
    private final java.util.concurrent.atomic.AtomicLong refreshesStarted = new java.util.concurrent.atomic.AtomicLong();
    private final Disposable.Composite running = Disposables.composite();

    CurrentVersions(DatabaseClient db, ReactiveStringRedisTemplate redis) {
        this.db = db;
        this.redis = redis;
    }

    /** After startup, when Flyway has migrated: refresh loops start. */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    void start() {
        running.add(Flux.interval(Duration.ZERO, Duration.ofSeconds(10))
                .concatMap(t -> refresh().onErrorResume(e -> {
                    log.warn("Could not refresh current transit feed versions: {}", e.toString());
                    return Mono.empty();
                }))
                .subscribe());
        // Subscribing opens a pub/sub connection (a blocking pool borrow): defer it to boundedElastic, and retry so a
        // slow or absent Redis at startup only delays cross-instance refreshes (the 10 s loop still runs).
        running.add(Flux.defer(() -> redis.listenToChannel(CHANNEL))
                .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())
                .concatMap(m -> refresh())
                .retryWhen(reactor.util.retry.Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30)))
                .subscribe(v -> {}, e -> log.warn("Transit version channel ended: {}", e.toString())));
    }

    @PreDestroy
    void stop() {
        running.dispose();
    }

    public Map<String, FeedVersion> snapshot() {
        return known.get().current();
    }

    /**
     * Reads the current versions and the running first imports. Refreshes overlap (the 10 s loop, a local switch, a
     * message from another instance): a slower one that started earlier must not overwrite a newer result, or a feed
     * that was just switched would vanish from the snapshot (answering 503/404) and its timetable be evicted.
     */
    public Mono<Void> refresh() {
        return Mono.defer(() -> {
            long ticket = refreshesStarted.incrementAndGet();
            return read().doOnNext(t -> {
                Known read = new Known(ticket, Map.copyOf(t.getT1()), java.util.Set.copyOf(t.getT2()));
                known.accumulateAndGet(read, (was, now) -> now.ticket() > was.ticket() ? now : was);
            }).then();
        });
    }

    private Mono<reactor.util.function.Tuple2<Map<String, FeedVersion>, java.util.Set<String>>> read() {
        Mono<Map<String, FeedVersion>> versions = db.sql("select f.feed_id, f.current_version, v.timezone from transit_feed f "
                        + "join transit_feed_version v on v.version_id = f.current_version")
                .map(r -> new FeedVersion(r.get("feed_id", String.class), r.get("current_version", Long.class),
                        ZoneId.of(r.get("timezone", String.class))))
                .all()
                .collect(Collectors.toMap(FeedVersion::feedId, v -> v));
        Mono<java.util.Set<String>> firstImports = db.sql("select distinct i.feed_id from transit_import i join transit_feed f "
                        + "on f.feed_id = i.feed_id where i.status = 'RUNNING' and f.current_version is null")
                .map(r -> r.get("feed_id", String.class))
                .all()
                .collect(Collectors.toSet());
        return Mono.zip(versions, firstImports);
    }

    /** True while the feed has no current version and its first import runs (here or on another instance). */
    public boolean isLoading(String feedId) {
        Known k = known.get();
        return k.loading().contains(feedId) && !k.current().containsKey(feedId);
    }

    /**
     * The error for an id of a feed without a current version: 503 {@code FEED_LOADING} with {@code Retry-After}
     * while its first import runs, else 404 {@code NOT_FOUND}.
     */
    public city.onestop.platform.ProblemException missing(String what, String id, String feedId) {
        if (isLoading(feedId)) {
            return new city.onestop.platform.ProblemException(org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE,
                    "FEED_LOADING", "Feed loading", "Feed " + feedId + " is being imported for the first time; "
                            + what.toLowerCase(java.util.Locale.ROOT) + " " + id + " can be asked again shortly",
                    Map.of("retryAfterSeconds", LOADING_RETRY_AFTER_SECONDS));
        }
        return city.onestop.platform.ProblemException.notFound(what, id);
    }

    /** An import of a feed started here: a feed without a version answers "loading" at once, everywhere. */
    public Mono<Void> importStarted(String feedId) {
        known.getAndUpdate(k -> {
            if (k.current().containsKey(feedId)) return k;
            var copy = new java.util.HashSet<>(k.loading());
            copy.add(feedId);
            return new Known(k.ticket(), k.current(), java.util.Set.copyOf(copy));
        });
        return switched(feedId);
    }

    /** After a switch (or an import start) here: refresh now and tell the other instances. */
    public Mono<Void> switched(String feedId) {
        return refresh().then(redis.convertAndSend(CHANNEL, feedId)
                .doOnError(e -> log.warn("Could not announce the new version of {}: {}", feedId, e.toString()))
                .onErrorResume(e -> Mono.empty())
                .then());
    }
}
