package city.onestop.transit.realtime.ingest;

import city.onestop.transit.realtime.ingest.FeedFetcher.FetchFailed;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Polls one URL of one feed (its VehiclePositions, TripUpdates or Alerts) on the instance holding the feed's
 * lease: fetch, decode, skip what did not advance, publish what did, and record health either way. A bad body
 * never replaces the last good state.
 */
final class FeedIngest {

    private static final Logger log = LoggerFactory.getLogger(FeedIngest.class);

    private final String feedId;
    private final FeedKind kind;
    private final String url;
    private final String instanceId;
    private final FeedFetcher fetcher;
    private final GtfsRealtimeDecoder decoder;
    private final LiveState state;
    private final FeedHealthStore healthStore;
    /** Entities the static timetable does not know (unknown trips, stop ids not in their trip): counted, kept. */
    private final java.util.function.Function<LiveSnapshot, java.util.Map<String, Long>> scheduleProblems;
    /** Places the vehicles of a VehiclePositions snapshot on their trips and lines before it is published. */
    private final java.util.function.UnaryOperator<LiveSnapshot> placeVehicles;
    private final MeterRegistry meters;
    private final Clock clock;
    private final AtomicReference<FeedFetcher.Validators> validators =
            new AtomicReference<>(FeedFetcher.Validators.NONE);
    private final AtomicReference<@Nullable Instant> lastHeader = new AtomicReference<>();
    private final AtomicReference<FeedHealth> health;

    FeedIngest(
            String feedId,
            FeedKind kind,
            String url,
            String instanceId,
            FeedFetcher fetcher,
            GtfsRealtimeDecoder decoder,
            LiveState state,
            FeedHealthStore healthStore,
            MeterRegistry meters,
            Clock clock,
            java.util.function.Function<LiveSnapshot, java.util.Map<String, Long>> scheduleProblems,
            java.util.function.UnaryOperator<LiveSnapshot> placeVehicles) {
        this.placeVehicles = placeVehicles;
        this.feedId = feedId;
        this.kind = kind;
        this.url = url;
        this.instanceId = instanceId;
        this.fetcher = fetcher;
        this.decoder = decoder;
        this.state = state;
        this.healthStore = healthStore;
        this.scheduleProblems = scheduleProblems;
        this.meters = meters;
        this.clock = clock;
        this.health = new AtomicReference<>(FeedHealth.initial(kind, url));
    }

    FeedKind kind() {
        return kind;
    }

    /**
     * Called when this instance (re)gains the lease: forget the conditional-GET validators and continue the
     * counters the previous leader left in Redis, so a takeover neither skips a feed nor resets its history.
     */
    Mono<Void> takeOver() {
        validators.set(FeedFetcher.Validators.NONE);
        return healthStore.find(feedId, kind)
                .doOnNext(previous -> health.set(previous))
                .onErrorResume(e -> Mono.empty())
                .then();
    }

    /** One poll. Never errors: every failure is recorded in the health it emits. */
    Mono<FeedHealth> pollOnce() {
        return fetcher.fetch(feedId, kind, url, validators.get())
                .flatMap(this::handle)
                .onErrorResume(e -> Mono.just(failure(e)))
                .doOnNext(h -> {
                    health.set(h);
                    meters.counter("onestop.transit.realtime.polls", "feed", feedId, "kind", kind.slug(), "outcome",
                                    h.lastOutcome().name())
                            .increment();
                })
                .flatMap(h -> healthStore.save(feedId, h).onErrorResume(e -> Mono.empty()).thenReturn(h));
    }

    private Mono<FeedHealth> handle(FeedFetcher.Fetch fetch) {
        Instant now = clock.instant();
        if (fetch instanceof FeedFetcher.NotModified) {
            return Mono.just(health.get().succeeded(instanceId, now, FeedHealth.Outcome.NOT_MODIFIED, circuit()));
        }
        FeedFetcher.Fetched fetched = (FeedFetcher.Fetched) fetch;
        return Mono.fromCallable(() -> decoder.decode(fetched.body()))
                .subscribeOn(Schedulers.parallel())
                .flatMap(decoding -> {
                    if (decoding instanceof FeedDecoding.FeedDecodeResult r) return apply(now, fetched, r);
                    if (decoding instanceof FeedDecoding.Malformed m) return Mono.just(reject(now, m.reason()));
                    return Mono.just(reject(now, ((FeedDecoding.Unsupported) decoding).reason()));
                });
    }

    private Mono<FeedHealth> apply(Instant now, FeedFetcher.Fetched fetched, FeedDecoding.FeedDecodeResult r) {
        Instant header = r.header().timestamp();
        Instant previous = lastHeader.get();
        if (header != null && previous != null && !header.isAfter(previous)) {
            validators.set(fetched.validators());
            return Mono.just(health.get().succeeded(instanceId, now, FeedHealth.Outcome.UNCHANGED, circuit()));
        }
        if (r.rejectedEntities() > 0) {
            meters.counter("onestop.transit.realtime.entities.rejected", "feed", feedId, "kind", kind.slug())
                    .increment(r.rejectedEntities());
        }
        LiveSnapshot snapshot = placeVehicles.apply(LiveSnapshot.of(feedId, kind, r, now));
        return state.publish(snapshot).map(written -> {
            // Only now is this body's ETag worth sending back: a failed publish must be retried in full.
            validators.set(fetched.validators());
            lastHeader.set(header != null ? header : now);
            return written
                    ? health.get().accepted(instanceId, now, r, circuit()).withProblems(scheduleProblems.apply(snapshot))
                    : health.get().succeeded(instanceId, now, FeedHealth.Outcome.UNCHANGED, circuit());
        });
    }

    private FeedHealth reject(Instant now, String why) {
        log.warn("Rejected {} {} from {}: {}", feedId, kind, url, why);
        return health.get().rejected(instanceId, now, why, circuit());
    }

    private FeedHealth failure(Throwable e) {
        Instant now = clock.instant();
        if (e instanceof FetchFailed f && f.reason == FeedFetcher.FailureReason.TOO_LARGE) {
            return reject(now, f.reason + ": " + f.getMessage());
        }
        String why = e instanceof FetchFailed f ? f.reason + ": " + f.getMessage() : e.toString();
        log.warn("Polling {} {} failed: {}", feedId, kind, why);
        return health.get().failed(instanceId, now, why, circuit());
    }

    private String circuit() {
        return fetcher.breaker(feedId, kind).getState().name();
    }
}
