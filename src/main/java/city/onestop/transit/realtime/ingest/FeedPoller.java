package city.onestop.transit.realtime.ingest;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/** Starts one {@link FeedLoop} per configured realtime feed on this instance, and stops them on shutdown. */
@Component
public class FeedPoller implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(FeedPoller.class);

    private final LiveFeedProperties properties;
    private final ReactiveStringRedisTemplate redis;
    private final FeedFetcher fetcher;
    private final GtfsRealtimeDecoder decoder;
    private final LiveState state;
    private final FeedHealthStore healthStore;
    private final MeterRegistry meters;
    private final Clock clock;
    private final RealtimeInstance instance;
    private final SnapshotPlacer placer;
    private final List<FeedLoop> loops = new ArrayList<>();
    private final List<Disposable> running = new ArrayList<>();

    FeedPoller(
            LiveFeedProperties properties,
            ReactiveStringRedisTemplate redis,
            FeedFetcher fetcher,
            GtfsRealtimeDecoder decoder,
            LiveState state,
            FeedHealthStore healthStore,
            MeterRegistry meters,
            Clock clock,
            RealtimeInstance instance,
            SnapshotPlacer placer) {
        this.placer = placer;
        this.properties = properties;
        this.redis = redis;
        this.fetcher = fetcher;
        this.decoder = decoder;
        this.state = state;
        this.healthStore = healthStore;
        this.meters = meters;
        this.clock = clock;
        this.instance = instance;
    }

    /** A loop for one feed as a given instance would run it; also how tests stand up a second "instance". */
    public FeedLoop loop(LiveFeedProperties.Feed feed, String instanceId, LiveState liveState) {
        Duration interval = feed.pollInterval();
        FeedLease lease = new FeedLease(
                redis, feed.id(), instanceId, FeedLoop.leaseTtl(interval), properties.realtime().redisTimeout());
        List<FeedIngest> ingests = new ArrayList<>();
        for (FeedKind kind : FeedKind.values()) {
            String url = feed.url(kind);
            if (url == null || url.isBlank()) continue;
            ingests.add(new FeedIngest(
                    feed.id(), kind, url, instanceId, fetcher, decoder, liveState, healthStore, meters, clock,
                    placer::scheduleProblems, placer::withPlacements));
        }
        return new FeedLoop(feed.id(), lease, ingests, interval);
    }

    @Override
    public synchronized void start() {
        for (LiveFeedProperties.Feed feed : properties.feeds()) {
            startFeed(feed);
        }
    }

    /** Polls one more feed from now on (the demo city's simulator, once the web server's port is known). */
    public synchronized void startFeed(LiveFeedProperties.Feed feed) {
        if (!feed.hasRealtime()) return;
        for (FeedKind kind : FeedKind.values()) {
            if (feed.url(kind) == null) continue;
            Gauge.builder("onestop.transit.realtime.data.age", state, s -> s.peek(feed.id(), kind)
                            .map(snap -> (double) Duration.between(snap.headerTimestamp(), clock.instant())
                                    .toSeconds())
                            .orElse(Double.NaN))
                    .tags("feed", feed.id(), "kind", kind.slug())
                    .baseUnit("seconds")
                    .description("Age of the live state served for this feed (now minus feed header time)")
                    .register(meters);
        }
        if (!properties.realtime().enabled()) return;
        FeedLoop loop = loop(feed, instance.id(), state);
        loops.add(loop);
        running.add(loop.run().subscribe(null, e -> log.error("Polling loop of feed {} ended", feed.id(), e)));
        log.info("Polling realtime feed {} every {} as {}", feed.id(), feed.pollInterval(), instance.id());
    }

    @Override
    public synchronized void stop() {
        running.forEach(Disposable::dispose);
        running.clear();
        // Hand the leases back so another instance takes over at its next tick instead of after the TTL.
        Flux.fromIterable(loops)
                .filter(FeedLoop::isLeader)
                .flatMap(FeedLoop::release, 4)
                .subscribe(null, e -> log.debug("Lease release failed", e));
        loops.clear();
    }

    @Override
    public synchronized boolean isRunning() {
        return !running.isEmpty();
    }
}
