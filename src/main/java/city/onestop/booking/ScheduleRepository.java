package city.onestop.booking;

import city.onestop.platform.Page;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Sessions (schedules) and the numbered slots they are split into: the timetable, opening a session, suspending one (停诊). */
@Component
class ScheduleRepository {

    private final DatabaseClient db;

    ScheduleRepository(DatabaseClient db) {
        this.db = db;
    }

    /** A hospital's zone and timetable, as the schedule arithmetic needs them. */
    public record Timetable(ZoneId zone, int releaseDaysAhead, LocalTime releaseTime) {

        public Instant releaseAt(LocalDate visitDate) {
            return visitDate.minusDays(releaseDaysAhead).atTime(releaseTime).atZone(zone).toInstant();
        }
    }

    public Mono<Timetable> timetable(UUID hospitalId) {
        return db.sql("SELECT zone, release_days_ahead, release_time FROM hospitals WHERE id = :id")
                .bind("id", hospitalId)
                .map(row -> new Timetable(ZoneId.of(row.get("zone", String.class)), row.get("release_days_ahead", Integer.class),
                        row.get("release_time", LocalTime.class)))
                .one()
                .switchIfEmpty(Mono.error(new BookingError.NotFound("Hospital", hospitalId)));
    }

    public record NewSchedule(UUID doctorId, LocalDate date, String period, LocalTime start, LocalTime end, int slotCount,
            int capacityPerSlot) {}

    /**
     * Creates a session and its numbered slots (split evenly between start and end) in one transaction;
     * the caller wraps it. Times are the hospital's wall-clock times on that date.
     */
    public Mono<UUID> createSchedule(UUID hospitalId, NewSchedule s, Timetable timetable) {
        UUID id = UUID.randomUUID();
        Instant start = s.date().atTime(s.start()).atZone(timetable.zone()).toInstant();
        Instant end = s.date().atTime(s.end()).atZone(timetable.zone()).toInstant();
        long stepSeconds = java.time.Duration.between(start, end).getSeconds() / s.slotCount();
        Instant releaseAt = timetable.releaseAt(s.date());
        return db.sql("""
                        INSERT INTO schedules (id, hospital_id, department_id, doctor_id, visit_date, period, starts_at, ends_at, release_at)
                        SELECT :id, d.hospital_id, d.department_id, d.id, :date, :period, :start, :end, :release
                        FROM doctors d WHERE d.id = :doctor AND d.hospital_id = :hospital""")
                .bind("id", id)
                .bind("date", s.date())
                .bind("period", s.period())
                .bind("start", AppointmentRepository.utc(start))
                .bind("end", AppointmentRepository.utc(end))
                .bind("release", AppointmentRepository.utc(releaseAt))
                .bind("doctor", s.doctorId())
                .bind("hospital", hospitalId)
                .fetch()
                .rowsUpdated()
                .onErrorMap(e -> ConstraintErrors.violates(e, "schedules_doctor_id_visit_date_period_key")
                        ? new BookingError.ScheduleExists(s.period(), s.date())
                        : e)
                .flatMap(n -> n == 1 ? Mono.just(n) : Mono.error(new BookingError.NotFound("Doctor", s.doctorId())))
                .then(db.sql("""
                                INSERT INTO slots (id, schedule_id, hospital_id, department_id, doctor_id, visit_date, number, starts_at,
                                    ends_at, session_ends_at, release_at, capacity)
                                SELECT gen_random_uuid(), sc.id, sc.hospital_id, sc.department_id, sc.doctor_id, sc.visit_date, g,
                                    sc.starts_at + make_interval(secs => (g - 1) * :step),
                                    CASE WHEN g = :count THEN sc.ends_at ELSE sc.starts_at + make_interval(secs => g * :step) END,
                                    sc.ends_at, sc.release_at, :capacity
                                FROM schedules sc, generate_series(1, :count) g WHERE sc.id = :id""")
                        .bind("step", (double) stepSeconds)
                        .bind("count", s.slotCount())
                        .bind("capacity", s.capacityPerSlot())
                        .bind("id", id)
                        .then())
                .thenReturn(id);
    }

    /** An appointment the suspension of a session cancelled, with what the patient must be told. */
    public record Cancelled(UUID appointmentId, UUID citizenId, String patientName, String hospitalName, String departmentName,
            String doctorName, OffsetDateTime start, UUID departmentId) {}

    /**
     * Suspends a session (停诊) in one transaction (the caller's): closes its slots first, which waits for any
     * booking holding a slot row and stops new ones, then cancels its active appointments with the reason and
     * gives their places back.
     */
    public Mono<List<Cancelled>> suspendSchedule(UUID hospitalId, UUID scheduleId, String reason, UUID actor, Instant now) {
        return db.sql("UPDATE schedules SET status = 'SUSPENDED', suspend_reason = :reason WHERE id = :id AND hospital_id = :hospital "
                        + "AND status = 'OPEN' RETURNING id")
                .bind("reason", reason)
                .bind("id", scheduleId)
                .bind("hospital", hospitalId)
                .map(row -> row.get("id", UUID.class))
                .one()
                .switchIfEmpty(Mono.defer(() -> db.sql("SELECT status FROM schedules WHERE id = :id AND hospital_id = :hospital")
                        .bind("id", scheduleId)
                        .bind("hospital", hospitalId)
                        .map(row -> row.get("status", String.class))
                        .one()
                        .switchIfEmpty(Mono.error(new BookingError.NotFound("Schedule", scheduleId)))
                        .flatMap(st -> Mono.error(new BookingError.ScheduleSuspended()))))
                .then(db.sql("UPDATE slots SET open = false WHERE schedule_id = :id").bind("id", scheduleId).then())
                .then(db.sql("""
                                WITH c AS (
                                    UPDATE appointments SET status = 'CANCELLED', status_reason = :reason, status_changed_by = :actor,
                                        hold_expires_at = NULL, updated_at = :now
                                    WHERE schedule_id = :id AND status IN ('PENDING', 'BOOKED', 'ARRIVED')
                                    RETURNING id, citizen_id, patient_id, slot_id, department_id, doctor_id, hospital_id, starts_at)
                                SELECT c.id, c.citizen_id, c.slot_id, c.department_id, c.starts_at, f.name AS patient_name,
                                    h.name AS hospital_name, dep.name AS department_name, d.name AS doctor_name, h.zone
                                FROM c JOIN hospitals h ON h.id = c.hospital_id JOIN departments dep ON dep.id = c.department_id
                                JOIN doctors d ON d.id = c.doctor_id LEFT JOIN family_members f ON f.id = c.patient_id""")
                        .bind("reason", reason)
                        .bind("actor", actor)
                        .bind("now", AppointmentRepository.utc(now))
                        .bind("id", scheduleId)
                        .map(row -> new Cancelled(row.get("id", UUID.class), row.get("citizen_id", UUID.class),
                                row.get("patient_name", String.class), row.get("hospital_name", String.class),
                                row.get("department_name", String.class), row.get("doctor_name", String.class),
                                row.get("starts_at", OffsetDateTime.class).atZoneSameInstant(ZoneId.of(row.get("zone", String.class)))
                                        .toOffsetDateTime(),
                                row.get("department_id", UUID.class)))
                        .all()
                        .collectList())
                .flatMap(cancelled -> db.sql("""
                                UPDATE slots s SET booked = s.booked - c.n
                                FROM (SELECT slot_id, count(*)::int AS n FROM appointments
                                      WHERE schedule_id = :id AND status = 'CANCELLED' AND status_reason = :reason AND updated_at = :now
                                      GROUP BY slot_id) c
                                WHERE s.id = c.slot_id""")
                        .bind("id", scheduleId)
                        .bind("reason", reason)
                        .bind("now", AppointmentRepository.utc(now))
                        .then()
                        .thenReturn(cancelled));
    }

}
