package city.onestop.transit.realtime.ingest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The polling loop of one feed on one instance. It ticks three times per poll interval; each tick renews (or
 * tries to take) the feed's lease, whose time to live is two ticks. The holder polls every third tick; the
 * others keep asking. A holder that dies stops renewing, its lease runs out within two ticks and another
 * instance takes it at its next tick: polling resumes within one poll interval.
 */
public final class FeedLoop {

    private static final Logger log = LoggerFactory.getLogger(FeedLoop.class);
    static final int TICKS_PER_POLL = 3;

    private final String feedId;
    private final FeedLease lease;
    private final List<FeedIngest> ingests;
    private final Duration pollInterval;
    private final AtomicBoolean leader = new AtomicBoolean();
    private final AtomicInteger ticksSincePoll = new AtomicInteger();
    private final AtomicBoolean takeOverPending = new AtomicBoolean();

    public FeedLoop(String feedId, FeedLease lease, List<FeedIngest> ingests, Duration pollInterval) {
        this.feedId = feedId;
        this.lease = lease;
        this.ingests = List.copyOf(ingests);
        this.pollInterval = pollInterval;
    }

    static Duration tick(Duration pollInterval) {
        return pollInterval.dividedBy(TICKS_PER_POLL);
    }

    static Duration leaseTtl(Duration pollInterval) {
        return tick(pollInterval).multipliedBy(2);
    }

    /**
     * Runs until cancelled; emits the health of every poll this instance made. The lease is renewed on every tick
     * whatever the polls are doing, so a slow poll (a big TripUpdates feed on a busy machine) never lets the
     * lease lapse; a poll due while the previous one still runs is skipped.
     */
    public Flux<FeedHealth> run() {
        return Flux.interval(Duration.ZERO, tick(pollInterval))
                .onBackpressureDrop()
                .concatMap(n -> due(), 1)
                .filter(Boolean::booleanValue)
                .onBackpressureDrop()
                .flatMap(due -> poll(), 1, 1);
    }

    /** The ingest of one kind, to poll it directly (tests, manual triggers). */
    FeedIngest ingest(FeedKind kind) {
        return ingests.stream().filter(i -> i.kind() == kind).findFirst().orElseThrow();
    }

    boolean isLeader() {
        return leader.get();
    }

    Mono<Boolean> release() {
        leader.set(false);
        return lease.release().onErrorReturn(false);
    }

    /** Renews or takes the lease; emits whether this instance should poll now. */
    private Mono<Boolean> due() {
        return lease.tryHold()
                .onErrorResume(e -> {
                    log.warn("Lease check for feed {} failed: {}", feedId, e.toString());
                    return Mono.just(false);
                })
                .map(held -> {
                    if (!held) {
                        if (leader.getAndSet(false)) log.info("Lost the lease of feed {}", feedId);
                        return false;
                    }
                    if (!leader.getAndSet(true)) {
                        log.info("{} now polls feed {}", lease.holder(), feedId);
                        takeOverPending.set(true);
                        ticksSincePoll.set(0);
                        return true;
                    }
                    if (ticksSincePoll.incrementAndGet() < TICKS_PER_POLL) return false;
                    ticksSincePoll.set(0);
                    return true;
                });
    }

    private Flux<FeedHealth> poll() {
        if (!leader.get()) return Flux.empty();
        Mono<Void> prepare = takeOverPending.getAndSet(false)
                ? Flux.fromIterable(ingests).concatMap(FeedIngest::takeOver).then()
                : Mono.empty();
        // Not cut short at the interval: a cancelled poll could leave a decoded feed half applied. Each step has
        // its own timeout. Should two instances ever poll at once, snapshot versions keep the newer feed.
        return prepare.thenMany(Flux.fromIterable(ingests).flatMap(FeedIngest::pollOnce, ingests.size()));
    }
}
