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

/** Slots as a read model (which department or doctor a query is about, sessions with free places) and the capacity write. */
@Component
class SlotRepository {

    private final DatabaseClient db;

    SlotRepository(DatabaseClient db) {
        this.db = db;
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
                        .switchIfEmpty(Mono.error(new BookingError.NotFound("Slot", slotId)))
                        .flatMap(booked -> Mono.error(new BookingError.CapacityBelowBooked(booked)))));
    }

    public record Scope(UUID departmentId, UUID doctorId, UUID hospitalId, ZoneId zone) {}

    /** Resolves which department/doctor an availability query is about; a domain error for ids that do not fit. */
    public Mono<Scope> availabilityScope(UUID departmentId, UUID doctorId) {
        if (doctorId != null) {
            return db.sql("SELECT d.department_id, d.hospital_id, h.zone FROM doctors d JOIN hospitals h ON h.id = d.hospital_id "
                            + "WHERE d.id = :id")
                    .bind("id", doctorId)
                    .map(row -> new Scope(row.get("department_id", UUID.class), doctorId, row.get("hospital_id", UUID.class),
                            ZoneId.of(row.get("zone", String.class))))
                    .one()
                    .switchIfEmpty(Mono.error(new BookingError.NotFound("Doctor", doctorId)))
                    .flatMap(scope -> departmentId != null && !departmentId.equals(scope.departmentId())
                            ? Mono.error(new BookingError.DoctorNotInDepartment(doctorId, departmentId))
                            : Mono.just(scope));
        }
        return db.sql("SELECT d.hospital_id, h.zone FROM departments d JOIN hospitals h ON h.id = d.hospital_id WHERE d.id = :id")
                .bind("id", departmentId)
                .map(row -> new Scope(departmentId, null, row.get("hospital_id", UUID.class), ZoneId.of(row.get("zone", String.class))))
                .one()
                .switchIfEmpty(Mono.error(new BookingError.NotFound("Department", departmentId)));
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
            spec = spec.bind("at", AppointmentRepository.utc(cursor.at())).bind("after", cursor.id());
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

}
