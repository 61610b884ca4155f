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

/** The catalogue: hospitals, their departments and doctors (created by administrators and staff, read by everyone). */
@Component
class CatalogueRepository {

    private final DatabaseClient db;

    CatalogueRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Views.Hospital> createHospital(UUID id, AdminActions.NewHospital h, Instant now) {
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
                .bind("now", AppointmentRepository.utc(now));
        spec = h.lat() == null ? spec.bindNull("lat", Double.class) : spec.bind("lat", h.lat());
        spec = h.lon() == null ? spec.bindNull("lon", Double.class) : spec.bind("lon", h.lon());
        spec = h.phone() == null ? spec.bindNull("phone", String.class) : spec.bind("phone", h.phone());
        return spec.then().then(getHospital(id));
    }

    public Mono<Views.Hospital> getHospital(UUID id) {
        return db.sql("SELECT *, NULL::float8 AS distance FROM hospitals WHERE id = :id")
                .bind("id", id)
                .map(CatalogueRepository::hospital)
                .one()
                .switchIfEmpty(Mono.error(new BookingError.NotFound("Hospital", id)));
    }

    /** Hospitals by name fragment and/or nearest first to a point; paged by position. */
    public Mono<Page<Views.Hospital>> searchHospitals(String q, Double lat, Double lon, String cursor, int limit) {
        int offset = Paging.decodeOffset(cursor);
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
        return spec.map(CatalogueRepository::hospital).all().collectList().map(rows -> Paging.offsetPage(rows, limit, offset));
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
                .onErrorMap(e -> ConstraintErrors.violates(e, "departments_hospital_id_name_key")
                        ? new BookingError.DepartmentExists(name)
                        : e)
                .thenReturn(new Views.Department(id, hospitalId, name, description));
    }

    public Mono<Views.Department> findDepartment(UUID id) {
        return db.sql("SELECT * FROM departments WHERE id = :id").bind("id", id).map(CatalogueRepository::department).one();
    }

    public Mono<Page<Views.Department>> listDepartments(UUID hospitalId, String cursor, int limit) {
        int offset = Paging.decodeOffset(cursor);
        return getHospital(hospitalId).then(db.sql("SELECT * FROM departments WHERE hospital_id = :hospital ORDER BY name, id "
                                + "LIMIT :limit OFFSET :offset")
                        .bind("hospital", hospitalId)
                        .bind("limit", limit + 1)
                        .bind("offset", offset)
                        .map(CatalogueRepository::department)
                        .all()
                        .collectList())
                .map(rows -> Paging.offsetPage(rows, limit, offset));
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
                : Mono.error(new BookingError.NotFound("Department", departmentId)));
    }

    public Mono<Views.Doctor> findDoctor(UUID id) {
        return db.sql("SELECT * FROM doctors WHERE id = :id").bind("id", id).map(CatalogueRepository::doctor).one();
    }

    public Mono<Page<Views.Doctor>> listDoctors(UUID departmentId, String cursor, int limit) {
        int offset = Paging.decodeOffset(cursor);
        return findDepartment(departmentId)
                .switchIfEmpty(Mono.error(new BookingError.NotFound("Department", departmentId)))
                .then(db.sql("SELECT * FROM doctors WHERE department_id = :department ORDER BY name, id LIMIT :limit OFFSET :offset")
                        .bind("department", departmentId)
                        .bind("limit", limit + 1)
                        .bind("offset", offset)
                        .map(CatalogueRepository::doctor)
                        .all()
                        .collectList())
                .map(rows -> Paging.offsetPage(rows, limit, offset));
    }

    static Views.Doctor doctor(Readable row) {
        return new Views.Doctor(row.get("id", UUID.class), row.get("hospital_id", UUID.class), row.get("department_id", UUID.class),
                row.get("name", String.class), row.get("title", String.class), row.get("specialty", String.class),
                Views.Money.ofFen(row.get("registration_fee_fen", Long.class)));
    }

}
