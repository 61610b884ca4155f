package city.onestop.booking.persistence;

import city.onestop.platform.Keyset;
import city.onestop.platform.Page;
import city.onestop.platform.ProblemException;
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

/** Hospitals, departments, doctors, schedules and slots: the catalogue and the availability read model. */
@Component
public class CatalogStore {

    private final DatabaseClient db;

    CatalogStore(DatabaseClient db) {
        this.db = db;
    }

    // ---------------------------------------------------------------- hospitals

    public record NewHospital(String name, String address, Double lat, Double lon, String level, String phone, String zone,
            int releaseDaysAhead, LocalTime releaseTime, int cancelDeadlineDaysBefore) {}

    public Mono<Views.Hospital> createHospital(UUID id, NewHospital h, Instant now) {
        var spec = db.sql("""
                        INSERT INTO hospitals (id, name, address, lat, lon, level, phone, zone, release_days_ahead, release_time,
                            cancel_deadline_days_before, created_at)
                        VALUES (:id, :name, :address, :lat, :lon, :level, :phone, :zone, :days, :time, :cancelDays, :now)""")
                .bind("id", id)
                .bind("name", h.name())
                .bind("address", h.address())
                .bind("level", h.level())
                .bind("zone", h.zone())
                .bind("days", h.releaseDaysAhead())
                .bind("time", h.releaseTime())
                .bind("cancelDays", h.cancelDeadlineDaysBefore())
                .bind("now", AppointmentStore.utc(now));
        spec = h.lat() == null ? spec.bindNull("lat", Double.class) : spec.bind("lat", h.lat());
        spec = h.lon() == null ? spec.bindNull("lon", Double.class) : spec.bind("lon", h.lon());
        spec = h.phone() == null ? spec.bindNull("phone", String.class) : spec.bind("phone", h.phone());
        return spec.then().then(getHospital(id));
    }

    public Mono<Views.Hospital> getHospital(UUID id) {
        return db.sql("SELECT *, NULL::float8 AS distance FROM hospitals WHERE id = :id")
                .bind("id", id)
                .map(CatalogStore::hospital)
                .one()
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Hospital", id.toString())));
    }

    /** Hospitals by name fragment and/or nearest first to a point; paged by position. */
    public Mono<Page<Views.Hospital>> searchHospitals(String q, Double lat, Double lon, String cursor, int limit) {
        int offset = decodeOffset(cursor);
        boolean near = lat != null && lon != null;
        String distance = near
                ? "6371000 * 2 * asin(sqrt(power(sin(radians(lat - :lat) / 2), 2) + cos(radians(:lat)) * cos(radians(lat)) "
                        + "* power(sin(radians(lon - :lon) / 2), 2)))"
                : "NULL::float8";
        String where = q == null || q.isBlank() ? "" : " WHERE strpos(lower(name), lower(:q)) > 0";
        String order = near ? " ORDER BY distance NULLS LAST, id" : " ORDER BY lower(name), id";
        var spec = db.sql("SELECT *, " + distance + " AS distance FROM hospitals" + where + order + " LIMIT :limit OFFSET :offset")
                .bind("limit", limit + 1)
                .bind("offset", offset);
        if (near) {
            spec = spec.bind("lat", lat).bind("lon", lon);
        }
        if (!where.isEmpty()) {
            spec = spec.bind("q", q.trim());
        }
        return spec.map(CatalogStore::hospital).all().collectList().map(rows -> offsetPage(rows, limit, offset));
    }

    static Views.Hospital hospital(Readable row) {
        Double distance = row.get("distance", Double.class);
        return new Views.Hospital(row.get("id", UUID.class), row.get("name", String.class), row.get("address", String.class),
                row.get("lat", Double.class), row.get("lon", Double.class), row.get("level", String.class),
                row.get("phone", String.class), row.get("zone", String.class), row.get("release_days_ahead", Integer.class),
                row.get("release_time", LocalTime.class).toString(), row.get("cancel_deadline_days_before", Integer.class),
                distance == null ? null : Math.round(distance));
    }

    // ---------------------------------------------------------------- departments and doctors

    public Mono<Views.Department> createDepartment(UUID hospitalId, String name, String description) {
        UUID id = UUID.randomUUID();
        var spec = db.sql("INSERT INTO departments (id, hospital_id, name, description) VALUES (:id, :hospital, :name, :description)")
                .bind("id", id)
                .bind("hospital", hospitalId)
                .bind("name", name);
        spec = description == null ? spec.bindNull("description", String.class) : spec.bind("description", description);
        return spec.then()
                .onErrorMap(e -> e.getMessage() != null && e.getMessage().contains("departments_hospital_id_name_key")
                        ? ProblemException.conflict("DEPARTMENT_EXISTS", "This hospital already has a department named " + name)
                        : e)
                .thenReturn(new Views.Department(id, hospitalId, name, description));
    }

    public Mono<Views.Department> findDepartment(UUID id) {
        return db.sql("SELECT * FROM departments WHERE id = :id").bind("id", id).map(CatalogStore::department).one();
    }

    public Mono<Page<Views.Department>> listDepartments(UUID hospitalId, String cursor, int limit) {
        int offset = decodeOffset(cursor);
        return getHospital(hospitalId).then(db.sql("SELECT * FROM departments WHERE hospital_id = :hospital ORDER BY name, id "
                                + "LIMIT :limit OFFSET :offset")
                        .bind("hospital", hospitalId)
                        .bind("limit", limit + 1)
                        .bind("offset", offset)
                        .map(CatalogStore::department)
                        .all()
                        .collectList())
                .map(rows -> offsetPage(rows, limit, offset));
    }

    static Views.Department department(Readable row) {
        return new Views.Department(row.get("id", UUID.class), row.get("hospital_id", UUID.class), row.get("name", String.class),
                row.get("description", String.class));
    }

    public Mono<Views.Doctor> createDoctor(UUID hospitalId, UUID departmentId, String name, String title, String specialty, long feeFen) {
        UUID id = UUID.randomUUID();
        var spec = db.sql("""
                        INSERT INTO doctors (id, hospital_id, department_id, name, title, specialty, registration_fee_fen)
                        SELECT :id, :hospital, d.id, :name, :title, :specialty, :fee FROM departments d
                        WHERE d.id = :department AND d.hospital_id = :hospital""")
                .bind("id", id)
                .bind("hospital", hospitalId)
                .bind("department", departmentId)
                .bind("name", name)
                .bind("title", title)
                .bind("fee", feeFen);
        spec = specialty == null ? spec.bindNull("specialty", String.class) : spec.bind("specialty", specialty);
        return spec.fetch().rowsUpdated().flatMap(n -> n == 1
                ? Mono.just(new Views.Doctor(id, hospitalId, departmentId, name, title, specialty, Views.Money.ofFen(feeFen)))
                : Mono.error(ProblemException.notFound("Department", departmentId.toString())));
    }

    public Mono<Views.Doctor> findDoctor(UUID id) {
        return db.sql("SELECT * FROM doctors WHERE id = :id").bind("id", id).map(CatalogStore::doctor).one();
    }

    public Mono<Page<Views.Doctor>> listDoctors(UUID departmentId, String cursor, int limit) {
        int offset = decodeOffset(cursor);
        return findDepartment(departmentId)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Department", departmentId.toString())))
                .then(db.sql("SELECT * FROM doctors WHERE department_id = :department ORDER BY name, id LIMIT :limit OFFSET :offset")
                        .bind("department", departmentId)
                        .bind("limit", limit + 1)
                        .bind("offset", offset)
                        .map(CatalogStore::doctor)
                        .all()
                        .collectList())
                .map(rows -> offsetPage(rows, limit, offset));
    }

    static Views.Doctor doctor(Readable row) {
        return new Views.Doctor(row.get("id", UUID.class), row.get("hospital_id", UUID.class), row.get("department_id", UUID.class),
                row.get("name", String.class), row.get("title", String.class), row.get("specialty", String.class),
                Views.Money.ofFen(row.get("registration_fee_fen", Long.class)));
    }

    // ---------------------------------------------------------------- schedules and slots

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
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Hospital", hospitalId.toString())));
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
                .bind("start", AppointmentStore.utc(start))
                .bind("end", AppointmentStore.utc(end))
                .bind("release", AppointmentStore.utc(releaseAt))
                .bind("doctor", s.doctorId())
                .bind("hospital", hospitalId)
                .fetch()
                .rowsUpdated()
                .onErrorMap(e -> e.getMessage() != null && e.getMessage().contains("schedules_doctor_id_visit_date_period_key")
                        ? ProblemException.conflict("SCHEDULE_EXISTS", "This doctor already has a " + s.period() + " session on " + s.date())
                        : e)
                .flatMap(n -> n == 1 ? Mono.just(n) : Mono.error(ProblemException.notFound("Doctor", s.doctorId().toString())))
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

    /** Changes a slot's capacity, never below what is already booked. */
    public Mono<UUID> setCapacity(UUID hospitalId, UUID slotId, int capacity) {
        return db.sql("UPDATE slots SET capacity = :capacity WHERE id = :id AND hospital_id = :hospital AND booked <= :capacity "
                        + "RETURNING department_id")
                .bind("capacity", capacity)
                .bind("id", slotId)
                .bind("hospital", hospitalId)
                .map(row -> row.get("department_id", UUID.class))
                .one()
                .switchIfEmpty(Mono.defer(() -> db.sql("SELECT booked FROM slots WHERE id = :id AND hospital_id = :hospital")
                        .bind("id", slotId)
                        .bind("hospital", hospitalId)
                        .map(row -> row.get("booked", Integer.class))
                        .one()
                        .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Slot", slotId.toString())))
                        .flatMap(booked -> Mono.error(ProblemException.conflict("CAPACITY_BELOW_BOOKED",
                                booked + " places are already booked in this slot")))));
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
                        .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Schedule", scheduleId.toString())))
                        .flatMap(st -> Mono.error(ProblemException.conflict("SCHEDULE_SUSPENDED", "This session is already suspended")))))
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
                        .bind("now", AppointmentStore.utc(now))
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
                        .bind("now", AppointmentStore.utc(now))
                        .then()
                        .thenReturn(cancelled));
    }

    // ---------------------------------------------------------------- availability

    public record Scope(UUID departmentId, UUID doctorId, UUID hospitalId, ZoneId zone) {}

    /** Resolves which department/doctor an availability query is about; 400/404 for ids that do not fit. */
    public Mono<Scope> availabilityScope(UUID departmentId, UUID doctorId) {
        if (doctorId != null) {
            return db.sql("SELECT d.department_id, d.hospital_id, h.zone FROM doctors d JOIN hospitals h ON h.id = d.hospital_id "
                            + "WHERE d.id = :id")
                    .bind("id", doctorId)
                    .map(row -> new Scope(row.get("department_id", UUID.class), doctorId, row.get("hospital_id", UUID.class),
                            ZoneId.of(row.get("zone", String.class))))
                    .one()
                    .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Doctor", doctorId.toString())))
                    .flatMap(scope -> departmentId != null && !departmentId.equals(scope.departmentId())
                            ? Mono.error(ProblemException.badRequest("DOCTOR_NOT_IN_DEPARTMENT",
                                    "Doctor " + doctorId + " does not work in department " + departmentId))
                            : Mono.just(scope));
        }
        return db.sql("SELECT d.hospital_id, h.zone FROM departments d JOIN hospitals h ON h.id = d.hospital_id WHERE d.id = :id")
                .bind("id", departmentId)
                .map(row -> new Scope(departmentId, null, row.get("hospital_id", UUID.class), ZoneId.of(row.get("zone", String.class))))
                .one()
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Department", departmentId.toString())));
    }

    /** Sessions with their slots for a department (or one doctor) between two dates of the hospital's zone. */
    public Mono<Page<Views.Session>> availability(Scope scope, LocalDate from, LocalDate to, Cursor cursor, int limit, Instant now) {
        String doctor = scope.doctorId() == null ? "" : " AND doctor_id = :doctor";
        String after = cursor == null ? "" : " AND (starts_at, id) > (:at, :after)";
        var spec = db.sql("""
                        WITH page AS (
                            SELECT id FROM schedules WHERE department_id = :department AND visit_date BETWEEN :from AND :to"""
                        + doctor + after + """
                             ORDER BY starts_at, id LIMIT :limit)
                        SELECT sc.id AS schedule_id, sc.visit_date, sc.period, sc.starts_at, sc.ends_at, sc.status, sc.release_at,
                            sc.suspend_reason, d.id AS doctor_id, d.name AS doctor_name, d.title AS doctor_title,
                            dep.id AS department_id, dep.name AS department_name, h.id AS hospital_id, h.name AS hospital_name,
                            s.id AS slot_id, s.number, s.starts_at AS slot_start, s.ends_at AS slot_end, s.capacity, s.booked, s.open
                        FROM page JOIN schedules sc ON sc.id = page.id
                        JOIN doctors d ON d.id = sc.doctor_id JOIN departments dep ON dep.id = sc.department_id
                        JOIN hospitals h ON h.id = sc.hospital_id JOIN slots s ON s.schedule_id = sc.id
                        ORDER BY sc.starts_at, sc.id, s.number""")
                .bind("department", scope.departmentId())
                .bind("from", from)
                .bind("to", to)
                .bind("limit", limit + 1);
        if (scope.doctorId() != null) {
            spec = spec.bind("doctor", scope.doctorId());
        }
        if (cursor != null) {
            spec = spec.bind("at", AppointmentStore.utc(cursor.at())).bind("after", cursor.id());
        }
        ZoneId zone = scope.zone();
        return spec.map(row -> new Row(row, zone, now)).all().collectList().map(rows -> {
            Map<UUID, List<Row>> bySchedule = new LinkedHashMap<>();
            for (Row r : rows) {
                bySchedule.computeIfAbsent(r.scheduleId, k -> new ArrayList<>()).add(r);
            }
            List<Views.Session> sessions = new ArrayList<>();
            for (List<Row> slots : bySchedule.values()) {
                sessions.add(Row.session(slots));
            }
            return Page.of(sessions, limit, s -> new Cursor(Instant.parse(toInstantString(s.start())), s.scheduleId()).position());
        });
    }

    private static String toInstantString(String offsetDateTime) {
        return OffsetDateTime.parse(offsetDateTime).toInstant().toString();
    }

    /** One row of the availability query, copied out of the driver's row. */
    private record Row(UUID scheduleId, String date, String period, String start, String end, String status, String releaseAt,
            String suspendReason, Views.DoctorRef doctor, Views.Ref department, Views.Ref hospital, Views.Slot slot) {

        Row(Readable r, ZoneId zone, Instant now) {
            this(r.get("schedule_id", UUID.class), r.get("visit_date", LocalDate.class).toString(), r.get("period", String.class),
                    Views.at(r.get("starts_at", OffsetDateTime.class), zone), Views.at(r.get("ends_at", OffsetDateTime.class), zone),
                    r.get("status", String.class), Views.at(r.get("release_at", OffsetDateTime.class), zone),
                    r.get("suspend_reason", String.class),
                    new Views.DoctorRef(r.get("doctor_id", UUID.class), r.get("doctor_name", String.class), r.get("doctor_title", String.class)),
                    new Views.Ref(r.get("department_id", UUID.class), r.get("department_name", String.class)),
                    new Views.Ref(r.get("hospital_id", UUID.class), r.get("hospital_name", String.class)),
                    slot(r, zone, now));
        }

        private static Views.Slot slot(Readable r, ZoneId zone, Instant now) {
            int capacity = r.get("capacity", Integer.class);
            int booked = r.get("booked", Integer.class);
            boolean open = Boolean.TRUE.equals(r.get("open", Boolean.class));
            boolean released = !r.get("release_at", OffsetDateTime.class).toInstant().isAfter(now);
            return new Views.Slot(r.get("slot_id", UUID.class), r.get("number", Integer.class),
                    Views.at(r.get("slot_start", OffsetDateTime.class), zone), Views.at(r.get("slot_end", OffsetDateTime.class), zone),
                    capacity, open ? Math.max(0, capacity - booked) : 0, released);
        }

        static Views.Session session(List<Row> rows) {
            Row first = rows.get(0);
            List<Views.Slot> slots = rows.stream().map(Row::slot).toList();
            int free = slots.stream().filter(Views.Slot::released).mapToInt(Views.Slot::remaining).sum();
            return new Views.Session(first.scheduleId, first.date, first.period, first.start, first.end, first.status,
                    first.releaseAt, first.doctor, first.department, first.hospital, free, slots, first.suspendReason);
        }
    }

    // ---------------------------------------------------------------- paging helpers

    static int decodeOffset(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return 0;
        }
        // An offset page (the list is small and sorted in memory): the tie-breaker is the offset, there is no sort value.
        long offset = Keyset.decode(cursor).number();
        if (offset > Integer.MAX_VALUE) throw ProblemException.badRequest("INVALID_CURSOR", "The cursor is not one this API returned");
        return (int) offset;
    }

    static <T> Page<T> offsetPage(List<T> rows, int limit, int offset) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        String next = Keyset.encode(null, offset + limit);
        return new Page<>(List.copyOf(rows.subList(0, limit)), next);
    }
}
