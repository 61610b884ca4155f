package city.onestop.booking;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Appointments on PostgreSQL. Capacity is taken and given back by single conditional statements that also
 * write the appointment, so the database decides every race; the per-patient rules are its indexes and
 * trigger (see V5_1__booking_core.sql). Methods join the caller's transaction when there is one.
 */
@Component
class AppointmentRepository {

    public static final Set<String> ACTIVE = Set.of("PENDING", "BOOKED", "ARRIVED", "CHECKED_IN");

    private static final String VIEW = """
            SELECT a.id, a.status, a.slot_id, a.schedule_id, a.citizen_id, a.patient_id, a.visit_date, a.starts_at,
                   a.ends_at, a.hold_expires_at, a.cancel_deadline, a.status_reason, a.rescheduled_from, a.created_at,
                   a.doctor_id, d.name AS doctor_name, d.title AS doctor_title, a.department_id, dep.name AS department_name,
                   a.hospital_id, h.name AS hospital_name, h.zone, f.name AS patient_name
            FROM appointments a
            JOIN doctors d ON d.id = a.doctor_id
            JOIN departments dep ON dep.id = a.department_id
            JOIN hospitals h ON h.id = a.hospital_id
            LEFT JOIN family_members f ON f.id = a.patient_id
            """;

    private final DatabaseClient db;

    AppointmentRepository(DatabaseClient db) {
        this.db = db;
    }

    /** What a booking or hold took: the new appointment, and whether its slot is now full. */
    public record Taken(UUID appointmentId, UUID departmentId, boolean slotNowFull) {}

    /**
     * Takes one place of the slot and writes the appointment, in ONE statement: the slot's conditional
     * UPDATE (room left, open, released, not started) feeds the INSERT. When it takes nothing the reason is
     * looked up only to word the error.
     */
    public Mono<Taken> take(UUID citizenId, UUID patientId, UUID slotId, Instant holdUntil, UUID rescheduledFrom, Instant now) {
        var spec = db.sql("""
                        WITH taken AS (
                            UPDATE slots SET booked = booked + 1
                            WHERE id = :slot AND booked < capacity AND open AND release_at <= :now AND starts_at > :now
                            RETURNING *)
                        INSERT INTO appointments (id, citizen_id, patient_id, slot_id, schedule_id, hospital_id, department_id,
                            doctor_id, visit_date, starts_at, ends_at, session_ends_at, cancel_deadline, status, hold_expires_at,
                            status_changed_by, rescheduled_from, created_at, updated_at)
                        SELECT :id, :citizen, :patient, s.id, s.schedule_id, s.hospital_id, s.department_id, s.doctor_id,
                            s.visit_date, s.starts_at, s.ends_at, s.session_ends_at,
                            ((s.visit_date - h.cancel_deadline_days_before)::timestamp AT TIME ZONE h.zone),
                            :status, :holdUntil, :citizen, :rescheduledFrom, :now, :now
                        FROM taken s JOIN hospitals h ON h.id = s.hospital_id
                        RETURNING id, department_id, (SELECT booked >= capacity FROM taken) AS full""")
                .bind("slot", slotId)
                .bind("now", utc(now))
                .bind("id", UUID.randomUUID())
                .bind("citizen", citizenId)
                .bind("patient", patientId)
                .bind("status", holdUntil == null ? "BOOKED" : "PENDING");
        spec = holdUntil == null ? spec.bindNull("holdUntil", OffsetDateTime.class) : spec.bind("holdUntil", utc(holdUntil));
        spec = rescheduledFrom == null ? spec.bindNull("rescheduledFrom", UUID.class) : spec.bind("rescheduledFrom", rescheduledFrom);
        return spec.map(row -> new Taken(row.get("id", UUID.class), row.get("department_id", UUID.class),
                        Boolean.TRUE.equals(row.get("full", Boolean.class))))
                .one()
                .onErrorMap(ConstraintErrors::translate)
                .switchIfEmpty(Mono.defer(() -> whyNotTaken(slotId, now)));
    }

    private Mono<Taken> whyNotTaken(UUID slotId, Instant now) {
        return db.sql("SELECT s.open, s.release_at, s.starts_at, h.zone FROM slots s JOIN hospitals h ON h.id = s.hospital_id "
                        + "WHERE s.id = :slot")
                .bind("slot", slotId)
                .map(row -> {
                    Instant releaseAt = row.get("release_at", OffsetDateTime.class).toInstant();
                    if (!Boolean.TRUE.equals(row.get("open", Boolean.class))) {
                        return new BookingError.SlotClosed();
                    }
                    if (releaseAt.isAfter(now)) {
                        return new BookingError.NotYetReleased(Views.at(releaseAt, ZoneId.of(row.get("zone", String.class))));
                    }
                    if (!row.get("starts_at", OffsetDateTime.class).toInstant().isAfter(now)) {
                        return new BookingError.SlotStarted();
                    }
                    return new BookingError.SlotFull();
                })
                .one()
                .switchIfEmpty(Mono.fromSupplier(() -> new BookingError.NotFound("Slot", slotId)))
                .flatMap(Mono::error);
    }

    /**
     * The slot's department if every place taken in it is a booking, not a hold: a hold frees its place by expiring,
     * which bumps no availability version, so a slot full of holds must never be remembered as full.
     */
    public Mono<UUID> findDepartmentIfNoHolds(UUID slotId) {
        return db.sql("SELECT s.department_id FROM slots s WHERE s.id = :slot "
                        + "AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.slot_id = s.id AND a.status = 'PENDING')")
                .bind("slot", slotId)
                .map(row -> row.get("department_id", UUID.class))
                .one();
    }

    /** Turns the citizen's unexpired hold into a booking; an expired or unknown one is an error. */
    public Mono<UUID> confirmHold(UUID citizenId, UUID holdId, Instant now) {
        return db.sql("""
                        UPDATE appointments SET status = 'BOOKED', hold_expires_at = NULL, status_changed_by = :citizen,
                            status_reason = NULL, updated_at = :now
                        WHERE id = :id AND citizen_id = :citizen AND status = 'PENDING' AND hold_expires_at > :now
                        RETURNING id""")
                .bind("citizen", citizenId)
                .bind("now", utc(now))
                .bind("id", holdId)
                .map(row -> row.get("id", UUID.class))
                .one()
                .onErrorMap(ConstraintErrors::translate)
                .switchIfEmpty(Mono.defer(() -> findStatus(citizenId, holdId).flatMap(s -> Mono.error(
                        "PENDING".equals(s.status) ? new BookingError.HoldExpired() : new BookingError.InvalidTransition(s.status, "BOOKED")))));
    }

    /**
     * Releases expired holds (all of them, or one slot's, or one hold) in one statement and gives their
     * places back; returns the departments whose availability changed.
     */
    public Flux<UUID> expireHolds(Instant now, UUID slotId, UUID holdId) {
        String only = slotId != null ? " AND slot_id = :only" : holdId != null ? " AND id = :only" : "";
        var spec = db.sql("""
                        WITH expired AS (
                            UPDATE appointments SET status = 'CANCELLED', status_reason = 'HOLD_EXPIRED', status_changed_by = NULL,
                                updated_at = :now
                            WHERE status = 'PENDING' AND hold_expires_at <= :now""" + only + """
                            RETURNING slot_id),
                        freed AS (
                            UPDATE slots s SET booked = s.booked - e.n
                            FROM (SELECT slot_id, count(*)::int AS n FROM expired GROUP BY slot_id) e
                            WHERE s.id = e.slot_id
                            RETURNING s.department_id)
                        SELECT DISTINCT department_id FROM freed""")
                .bind("now", utc(now));
        if (slotId != null || holdId != null) {
            spec = spec.bind("only", slotId != null ? slotId : holdId);
        }
        return spec.map(row -> row.get("department_id", UUID.class)).all();
    }

    /**
     * Cancels and gives the place back in one statement, if the appointment is the citizen's (or, for staff,
     * the hospital's), cancellable, and (for citizens) before its deadline.
     */
    public Mono<UUID> cancel(UUID id, UUID citizenId, UUID hospitalId, UUID actor, String reason, boolean enforceDeadline, Instant now) {
        String scope = citizenId != null ? " AND a.citizen_id = :scope" : " AND a.hospital_id = :scope";
        String deadline = enforceDeadline ? " AND a.cancel_deadline > :now" : "";
        return db.sql("""
                        WITH c AS (
                            UPDATE appointments a SET status = 'CANCELLED', status_reason = :reason, status_changed_by = :actor,
                                hold_expires_at = NULL, updated_at = :now
                            WHERE a.id = :id AND a.status IN ('PENDING', 'BOOKED', 'ARRIVED')""" + scope + deadline + """
                            RETURNING a.slot_id)
                        UPDATE slots s SET booked = s.booked - 1 FROM c WHERE s.id = c.slot_id RETURNING s.department_id""")
                .bind("reason", reason)
                .bind("actor", actor)
                .bind("now", utc(now))
                .bind("id", id)
                .bind("scope", citizenId != null ? citizenId : hospitalId)
                .map(row -> row.get("department_id", UUID.class))
                .one()
                .onErrorMap(ConstraintErrors::translate)
                .switchIfEmpty(Mono.defer(() -> (citizenId != null ? findStatus(citizenId, id) : findStatusInHospital(hospitalId, id))
                        .flatMap(s -> Mono.<UUID>error(!ACTIVE.contains(s.status) || "CHECKED_IN".equals(s.status)
                                ? new BookingError.InvalidTransition(s.status, "CANCELLED")
                                : new BookingError.CancelDeadlinePassed(Views.at(s.cancelDeadline, s.zone))))));
    }

    /**
     * A status change by staff (check-in, fulfil): conditional on the current status being one the
     * transition table allows and the appointment being of the staff member's hospital.
     */
    public Mono<UUID> transition(UUID id, UUID hospitalId, String to, UUID actor, Instant now) {
        return db.sql("""
                        UPDATE appointments a SET status = :to, status_changed_by = :actor, status_reason = NULL, updated_at = :now
                        WHERE a.id = :id AND a.hospital_id = :hospital
                          AND EXISTS (SELECT 1 FROM appointment_transitions t WHERE t.from_status = a.status AND t.to_status = :to)
                        RETURNING a.id""")
                .bind("to", to)
                .bind("actor", actor)
                .bind("now", utc(now))
                .bind("id", id)
                .bind("hospital", hospitalId)
                .map(row -> row.get("id", UUID.class))
                .one()
                .switchIfEmpty(Mono.defer(() -> findStatusInHospital(hospitalId, id)
                        .flatMap(s -> Mono.error(new BookingError.InvalidTransition(s.status, to)))));
    }

    record Status(String status, OffsetDateTime cancelDeadline, ZoneId zone) {}

    private Mono<Status> findStatus(UUID citizenId, UUID id) {
        return status("a.citizen_id = :scope", citizenId, id);
    }

    private Mono<Status> findStatusInHospital(UUID hospitalId, UUID id) {
        return status("a.hospital_id = :scope", hospitalId, id);
    }

    private Mono<Status> status(String condition, UUID scope, UUID id) {
        return db.sql("SELECT a.status, a.cancel_deadline, h.zone FROM appointments a JOIN hospitals h ON h.id = a.hospital_id "
                        + "WHERE a.id = :id AND " + condition)
                .bind("id", id)
                .bind("scope", scope)
                .map(row -> new Status(row.get("status", String.class), row.get("cancel_deadline", OffsetDateTime.class),
                        ZoneId.of(row.get("zone", String.class))))
                .one()
                .switchIfEmpty(Mono.error(() -> new BookingError.NotFound("Appointment", id)));
    }

    /** The appointment if the citizen booked it; empty otherwise (another's is as absent as a missing one). */
    public Mono<Views.Appointment> findForCitizen(UUID citizenId, UUID id) {
        return db.sql(VIEW + " WHERE a.id = :id AND a.citizen_id = :citizen")
                .bind("id", id)
                .bind("citizen", citizenId)
                .map(AppointmentRepository::view)
                .one();
    }

    public Mono<Views.Appointment> findInHospital(UUID hospitalId, UUID id) {
        return db.sql(VIEW + " WHERE a.id = :id AND a.hospital_id = :hospital")
                .bind("id", id)
                .bind("hospital", hospitalId)
                .map(AppointmentRepository::view)
                .one();
    }

    public Mono<Views.Appointment> get(UUID id) {
        return db.sql(VIEW + " WHERE a.id = :id").bind("id", id).map(AppointmentRepository::view).one();
    }

    /** The citizen's appointments, newest first. */
    public Mono<List<Views.Appointment>> listForCitizen(UUID citizenId, Cursor cursor, int limit) {
        String after = cursor == null ? "" : " AND (a.created_at, a.id) < (:at, :after)";
        var spec = db.sql(VIEW + " WHERE a.citizen_id = :citizen" + after + " ORDER BY a.created_at DESC, a.id DESC LIMIT :limit")
                .bind("citizen", citizenId)
                .bind("limit", limit + 1);
        if (cursor != null) {
            spec = spec.bind("at", utc(cursor.at())).bind("after", cursor.id());
        }
        return spec.map(AppointmentRepository::view).all().collectList();
    }

    /** A hospital's appointments on one of its days, in time order, optionally of one department. */
    public Mono<List<Views.Appointment>> listForHospitalDay(UUID hospitalId, LocalDate date, UUID departmentId, Cursor cursor, int limit) {
        String dept = departmentId == null ? "" : " AND a.department_id = :department";
        String after = cursor == null ? "" : " AND (a.starts_at, a.id) > (:at, :after)";
        var spec = db.sql(VIEW + " WHERE a.hospital_id = :hospital AND a.visit_date = :date" + dept + after
                        + " ORDER BY a.starts_at, a.id LIMIT :limit")
                .bind("hospital", hospitalId)
                .bind("date", date)
                .bind("limit", limit + 1);
        if (departmentId != null) {
            spec = spec.bind("department", departmentId);
        }
        if (cursor != null) {
            spec = spec.bind("at", utc(cursor.at())).bind("after", cursor.id());
        }
        return spec.map(AppointmentRepository::view).all().collectList();
    }

    public Flux<Views.HistoryEntry> history(UUID id, ZoneId zone) {
        return db.sql("SELECT from_status, to_status, actor, reason, at FROM appointment_history WHERE appointment_id = :id ORDER BY id")
                .bind("id", id)
                .map(row -> new Views.HistoryEntry(row.get("from_status", String.class), row.get("to_status", String.class),
                        row.get("actor", UUID.class), row.get("reason", String.class),
                        Views.at(row.get("at", OffsetDateTime.class), zone)))
                .all();
    }

    /** Whether the patient id is the citizen or one of the family members the citizen bound. */
    public Mono<Boolean> isPatientOf(UUID citizenId, UUID patientId) {
        if (citizenId.equals(patientId)) {
            return Mono.just(true);
        }
        return db.sql("SELECT 1 FROM family_members WHERE id = :patient AND citizen_id = :citizen")
                .bind("patient", patientId)
                .bind("citizen", citizenId)
                .map(row -> true)
                .one()
                .defaultIfEmpty(false);
    }

    /** The end of the citizen's current suspension, if one is in force. */
    public Mono<Instant> suspendedUntil(UUID citizenId, Instant now) {
        return db.sql("SELECT until FROM booking_suspensions WHERE citizen_id = :citizen AND lifted_at IS NULL AND until > :now")
                .bind("citizen", citizenId)
                .bind("now", utc(now))
                .map(row -> row.get("until", OffsetDateTime.class).toInstant())
                .one();
    }

    static Views.Appointment view(Readable row) {
        ZoneId zone = ZoneId.of(row.get("zone", String.class));
        OffsetDateTime created = row.get("created_at", OffsetDateTime.class);
        return new Views.Appointment(
                row.get("id", UUID.class),
                row.get("status", String.class),
                row.get("slot_id", UUID.class),
                row.get("schedule_id", UUID.class),
                row.get("citizen_id", UUID.class),
                row.get("patient_id", UUID.class),
                row.get("patient_name", String.class),
                row.get("visit_date", LocalDate.class).toString(),
                Views.at(row.get("starts_at", OffsetDateTime.class), zone),
                Views.at(row.get("ends_at", OffsetDateTime.class), zone),
                new Views.DoctorRef(row.get("doctor_id", UUID.class), row.get("doctor_name", String.class),
                        row.get("doctor_title", String.class)),
                new Views.Ref(row.get("department_id", UUID.class), row.get("department_name", String.class)),
                new Views.Ref(row.get("hospital_id", UUID.class), row.get("hospital_name", String.class)),
                Views.at(row.get("hold_expires_at", OffsetDateTime.class), zone),
                Views.at(row.get("cancel_deadline", OffsetDateTime.class), zone),
                row.get("status_reason", String.class),
                row.get("rescheduled_from", UUID.class),
                Views.at(created, zone),
                created.toInstant());
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
