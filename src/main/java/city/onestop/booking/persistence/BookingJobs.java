package city.onestop.booking.persistence;

import city.onestop.booking.BookingProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Booking's background work: the hold sweeper and the no-show job with its suspension policy. The no-show
 * job runs on one instance at a time: it takes a transaction-scoped advisory lock and skips when another
 * instance holds it.
 */
@Component
public class BookingJobs {

    private static final Logger log = LoggerFactory.getLogger(BookingJobs.class);
    /** The advisory-lock key of the no-show job ("noshow" in ASCII). */
    public static final long NO_SHOW_LOCK = 0x6E6F73686F77L;

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final AppointmentRepository appointments;
    private final BookingProperties properties;
    private final Clock clock;

    BookingJobs(DatabaseClient db, TransactionalOperator tx, AppointmentRepository appointments, BookingProperties properties,
            Clock clock) {
        this.db = db;
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
        Mono<NoShowRun> work = db.sql("SELECT pg_try_advisory_xact_lock(:key) AS locked")
                .bind("key", NO_SHOW_LOCK)
                .map(row -> Boolean.TRUE.equals(row.get("locked", Boolean.class)))
                .one()
                .flatMap(locked -> !locked
                        ? Mono.just(new NoShowRun(false, List.of(), List.of()))
                        : db.sql("""
                                        WITH ns AS (
                                            UPDATE appointments SET status = 'NOSHOW', status_reason = 'NO_SHOW', status_changed_by = NULL,
                                                updated_at = :now
                                            WHERE status = 'BOOKED' AND session_ends_at < :cutoff
                                            RETURNING citizen_id)
                                        SELECT DISTINCT citizen_id FROM ns""")
                                .bind("now", AppointmentRepository.utc(now))
                                .bind("cutoff", AppointmentRepository.utc(cutoff))
                                .map(row -> row.get("citizen_id", UUID.class))
                                .all()
                                .collectList()
                                .flatMap(marked -> marked.isEmpty()
                                        ? Mono.just(new NoShowRun(true, marked, List.of()))
                                        : suspend(now, windowStart).map(s -> new NoShowRun(true, marked, s))));
        return work.as(tx::transactional);
    }

    /**
     * Suspends every citizen marked in this run whose no-shows in the window (since any lift) reach the
     * threshold. A suspension in force is left as it is.
     */
    private Mono<List<UUID>> suspend(Instant now, Instant windowStart) {
        return db.sql("""
                        INSERT INTO booking_suspensions AS b (citizen_id, until, reason, created_at)
                        SELECT a.citizen_id, :until, 'NO_SHOWS', :now
                        FROM appointments a LEFT JOIN booking_suspensions s ON s.citizen_id = a.citizen_id
                        WHERE a.status = 'NOSHOW' AND a.updated_at > :windowStart
                          AND (s.lifted_at IS NULL OR a.updated_at > s.lifted_at)
                          AND a.citizen_id IN (SELECT citizen_id FROM appointments WHERE status = 'NOSHOW' AND updated_at = :now)
                        GROUP BY a.citizen_id
                        HAVING count(*) >= :threshold
                        ON CONFLICT (citizen_id) DO UPDATE SET until = EXCLUDED.until, reason = EXCLUDED.reason,
                            created_at = EXCLUDED.created_at, lifted_at = NULL, lifted_by = NULL
                        WHERE b.until <= EXCLUDED.created_at OR b.lifted_at IS NOT NULL
                        RETURNING citizen_id""")
                .bind("until", AppointmentRepository.utc(now.plus(properties.suspensionLength())))
                .bind("now", AppointmentRepository.utc(now))
                .bind("windowStart", AppointmentRepository.utc(windowStart))
                .bind("threshold", properties.noShowThreshold())
                .map(row -> row.get("citizen_id", UUID.class))
                .all()
                .collectList();
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
        return db.sql("UPDATE booking_policy SET max_active_per_patient = :cap")
                .bind("cap", properties.maxActivePerPatient())
                .then()
                .doOnError(e -> log.warn("Could not write the booking policy", e));
    }
}
