package city.onestop.booking;

import java.time.OffsetDateTime;
import java.util.UUID;
import org.springframework.context.annotation.Profile;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Local profile only: the statements that seed the demo hospitals and find the demo citizen a slot. */
@Component
@Profile("local")
class DemoDataRepository {

    private final DatabaseClient db;

    DemoDataRepository(DatabaseClient db) {
        this.db = db;
    }

    Mono<Void> upsertHospital(UUID id, String name, String address, double lat, double lon, String level, String phone) {
        return db.sql("""
                        INSERT INTO hospitals (id, name, address, lat, lon, level, phone, created_at)
                        VALUES (:id, :name, :address, :lat, :lon, :level, :phone, now())
                        ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, address = EXCLUDED.address""")
                .bind("id", id)
                .bind("name", name)
                .bind("address", address)
                .bind("lat", lat)
                .bind("lon", lon)
                .bind("level", level)
                .bind("phone", phone)
                .then();
    }

    Mono<Void> upsertDepartment(UUID id, UUID hospitalId, String name) {
        return db.sql("INSERT INTO departments (id, hospital_id, name) VALUES (:id, :hospital, :name) "
                        + "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name")
                .bind("id", id)
                .bind("hospital", hospitalId)
                .bind("name", name)
                .then();
    }

    Mono<Void> upsertDoctor(UUID id, UUID hospitalId, UUID departmentId, String name, String title, String specialty, long feeFen) {
        return db.sql("""
                        INSERT INTO doctors (id, hospital_id, department_id, name, title, specialty, registration_fee_fen)
                        VALUES (:id, :hospital, :department, :name, :title, :specialty, :fee)
                        ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, title = EXCLUDED.title, specialty = EXCLUDED.specialty""")
                .bind("id", id)
                .bind("hospital", hospitalId)
                .bind("department", departmentId)
                .bind("name", name)
                .bind("title", title)
                .bind("specialty", specialty)
                .bind("fee", feeFen)
                .then();
    }

    /** The first open slot from {@code from} on that is released by {@code now} and has a free place. */
    Mono<UUID> findFirstFreeReleasedSlot(OffsetDateTime from, OffsetDateTime now) {
        return db.sql("""
                        SELECT id FROM slots
                        WHERE starts_at >= :from AND release_at <= :now AND open AND booked < capacity
                        ORDER BY starts_at, number LIMIT 1""")
                .bind("from", from)
                .bind("now", now)
                .map(row -> row.get("id", UUID.class))
                .one();
    }
}
