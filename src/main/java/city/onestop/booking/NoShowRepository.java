package city.onestop.booking;

import static city.onestop.booking.AppointmentRepository.utc;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The statements of booking's no-show job and its policy row: statements only, for {@link BookingJobs}. */
@Component
class NoShowRepository {

    private final DatabaseClient db;

    NoShowRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Takes the job's transaction-scoped advisory lock; false when another transaction holds it. */
    Mono<Boolean> tryJobLock(long key) {
        return db.sql("SELECT pg_try_advisory_xact_lock(:key) AS locked")
                .bind("key", key)
                .map(row -> Boolean.TRUE.equals(row.get("locked", Boolean.class)))
                .one();
    }

    /** Marks BOOKED appointments whose session ended before {@code cutoff} NOSHOW; the citizens who had them. */
    Mono<List<UUID>> markDue(Instant now, Instant cutoff) {
        return db.sql("""
                        WITH ns AS (
                            UPDATE appointments SET status = 'NOSHOW', status_reason = 'NO_SHOW', status_changed_by = NULL,
                                updated_at = :now
                            WHERE status = 'BOOKED' AND session_ends_at < :cutoff
                            RETURNING citizen_id)
                        SELECT DISTINCT citizen_id FROM ns""")
                .bind("now", utc(now))
                .bind("cutoff", utc(cutoff))
                .map(row -> row.get("citizen_id", UUID.class))
                .all()
                .collectList();
    }

    /**
     * Suspends every citizen marked at {@code now} whose no-shows in the window (since any lift) reach the
     * threshold. A suspension in force is left as it is.
     */
    Mono<List<UUID>> suspendOverThreshold(Instant now, Instant windowStart, Instant until, int threshold) {
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
                .bind("until", utc(until))
                .bind("now", utc(now))
                .bind("windowStart", utc(windowStart))
                .bind("threshold", threshold)
                .map(row -> row.get("citizen_id", UUID.class))
                .all()
                .collectList();
    }

    /** Writes the per-patient cap into the table the booking trigger reads. */
    Mono<Void> writePolicy(int maxActivePerPatient) {
        return db.sql("UPDATE booking_policy SET max_active_per_patient = :cap")
                .bind("cap", maxActivePerPatient)
                .then();
    }
}
