package city.onestop.booking;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Booking's background work: the hold sweeper and the no-show job with its suspension policy. The no-show
 * job runs on one instance at a time: it takes a transaction-scoped advisory lock and skips when another
 * instance holds it. The use case of the jobs: it owns their transaction; the statements are {@link NoShowRepository}'s.
 */
@Component
class BookingJobs {

    private static final Logger log = LoggerFactory.getLogger(BookingJobs.class);
    /** The advisory-lock key of the no-show job ("noshow" in ASCII). */
    public static final long NO_SHOW_LOCK = 0x6E6F73686F77L;

    private final NoShowRepository noShows;
    private final TransactionalOperator tx;
    private final AppointmentRepository appointments;
    private final BookingProperties properties;
    private final Clock clock;

    BookingJobs(NoShowRepository noShows, TransactionalOperator tx, AppointmentRepository appointments, BookingProperties properties,
            Clock clock) {
        this.noShows = noShows;
        this.tx = tx;
        this.appointments = appointments;
        this.properties = properties;
        this.clock = clock;
    }

    /** What one run of the no-show job did; {@code ran} is false when another instance held the lock. */
    public record NoShowRun(boolean ran, List<UUID> markedCitizens, List<UUID> suspendedCitizens) {}

    /** Marks due no-shows and suspends citizens over the threshold, all in one transaction. */
    public Mono<NoShowRun> markNoShows(Instant now) {
        Instant cutoff = now.minus(properties.noShowGrace());
        Instant windowStart = now.minus(properties.noShowWindow());
        Mono<NoShowRun> work = noShows.tryJobLock(NO_SHOW_LOCK)
                .flatMap(locked -> !locked
                        ? Mono.just(new NoShowRun(false, List.of(), List.of()))
                        : noShows.markDue(now, cutoff)
                                .flatMap(marked -> marked.isEmpty()
                                        ? Mono.just(new NoShowRun(true, marked, List.of()))
                                        : noShows.suspendOverThreshold(now, windowStart, now.plus(properties.suspensionLength()),
                                                        properties.noShowThreshold())
                                                .map(s -> new NoShowRun(true, marked, s))));
        return work.as(tx::transactional);
    }

    @Scheduled(fixedDelayString = "${onestop.booking.no-show-interval:1m}", initialDelayString = "${onestop.booking.no-show-initial-delay:30s}")
    void scheduledNoShows() {
        markNoShows(clock.instant()).subscribe(run -> {
            if (!run.markedCitizens().isEmpty() || !run.suspendedCitizens().isEmpty()) {
                log.info("No-show job: {} citizens had no-shows, {} suspended", run.markedCitizens().size(), run.suspendedCitizens().size());
            }
        }, e -> log.warn("No-show job failed", e));
    }

    /** Frees the places of expired holds (confirm and booking also check expiry themselves). */
    public Flux<UUID> sweepHolds(Instant now) {
        return appointments.expireHolds(now, null, null);
    }

    @Scheduled(fixedDelayString = "${onestop.booking.hold-sweep-interval:15s}", initialDelayString = "15s")
    void scheduledHoldSweep() {
        sweepHolds(clock.instant()).count().subscribe(n -> {
            if (n > 0) {
                log.info("Hold sweeper released holds in {} departments", n);
            }
        }, e -> log.warn("Hold sweep failed", e));
    }

    /**
     * Writes the configured per-patient cap into the table the trigger reads. The framework subscribes to
     * the returned Mono.
     */
    @EventListener(ApplicationReadyEvent.class)
    Mono<Void> syncPolicy() {
        return noShows.writePolicy(properties.maxActivePerPatient())
                .doOnError(e -> log.warn("Could not write the booking policy", e));
    }
}
