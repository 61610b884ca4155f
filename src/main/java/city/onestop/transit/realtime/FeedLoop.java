package city.onestop.transit.realtime;

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
final class FeedLoop {

    private static final Logger log = LoggerFactory.getLogger(FeedLoop.class);
    static final int TICKS_PER_POLL = 3;

    private final String feedId;
    private final FeedLease lease;
    private final List<FeedIngest> ingests;
    private final Duration pollInterval;
    private final AtomicBoolean leader = new AtomicBoolean();
    private final AtomicInteger ticksSincePoll = new AtomicInteger();

    FeedLoop(String feedId, FeedLease lease, List<FeedIngest> ingests, Duration pollInterval) {
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

    /** Runs until cancelled; emits the health of every poll this instance made. */
    Flux<FeedHealth> run() {
        return Flux.interval(Duration.ZERO, tick(pollInterval))
                .onBackpressureDrop()
                .concatMap(n -> cycle(), 1);
    }

    boolean isLeader() {
        return leader.get();
    }

    Mono<Boolean> release() {
        leader.set(false);
        return lease.release().onErrorReturn(false);
    }

    private Flux<FeedHealth> cycle() {
        return lease.tryHold()
                .onErrorResume(e -> {
                    log.warn("Lease check for feed {} failed: {}", feedId, e.toString());
                    return Mono.just(false);
                })
                .flatMapMany(held -> {
                    if (!held) {
                        if (leader.getAndSet(false)) log.info("Lost the lease of feed {}", feedId);
                        return Flux.empty();
                    }
                    boolean gained = !leader.getAndSet(true);
                    if (!gained && ticksSincePoll.incrementAndGet() < TICKS_PER_POLL) return Flux.empty();
                    ticksSincePoll.set(0);
                    Mono<Void> prepare = Mono.empty();
                    if (gained) {
                        log.info("{} now polls feed {}", lease.holder(), feedId);
                        prepare = Flux.fromIterable(ingests).concatMap(FeedIngest::takeOver).then();
                    }
                    return prepare.thenMany(Flux.fromIterable(ingests).flatMap(FeedIngest::pollOnce, ingests.size()))
                            // A poll never outlives its interval: the next one starts on time.
                            .take(pollInterval);
                });
    }
}
