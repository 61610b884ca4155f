package city.onestop.booking;

import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** {@link BookingFacts} straight from booking's tables. */
@Component
class BookingFactRepository implements BookingFacts {

    private final DatabaseClient db;

    BookingFactRepository(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<AppointmentFact> findAppointment(UUID appointmentId) {
        return db.sql("""
                        SELECT a.id, a.citizen_id, a.hospital_id, h.name, a.status
                        FROM appointments a JOIN hospitals h ON h.id = a.hospital_id WHERE a.id = :id""")
                .bind("id", appointmentId)
                .map(row -> new AppointmentFact(row.get("id", UUID.class), row.get("citizen_id", UUID.class),
                        row.get("hospital_id", UUID.class), row.get("name", String.class), row.get("status", String.class)))
                .one();
    }

    @Override
    public Mono<HospitalFact> findHospital(UUID hospitalId) {
        return db.sql("SELECT id, name FROM hospitals WHERE id = :id")
                .bind("id", hospitalId)
                .map(row -> new HospitalFact(row.get("id", UUID.class), row.get("name", String.class)))
                .one();
    }

    @Override
    public Mono<UUID> findStaffHospital(UUID citizenId) {
        return db.sql("SELECT hospital_id FROM hospital_staff WHERE citizen_id = :id")
                .bind("id", citizenId)
                .map(row -> row.get("hospital_id", UUID.class))
                .one();
    }
}
