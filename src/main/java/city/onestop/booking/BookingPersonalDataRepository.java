package city.onestop.booking;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** A citizen's booking rows as {@link BookingPersonalData} exports and erases them: statements only. */
@Component
class BookingPersonalDataRepository {

    record AppointmentRecord(UUID id, UUID patientId, UUID hospitalId, UUID departmentId, UUID doctorId, LocalDate visitDate,
            Instant startsAt, String status, Instant createdAt) {}

    record FamilyMemberRecord(UUID id, String name, String idNumberMasked, String relationship, Instant createdAt) {}

    private final DatabaseClient db;

    BookingPersonalDataRepository(DatabaseClient db) {
        this.db = db;
    }

    Mono<List<AppointmentRecord>> listAppointments(UUID citizenId) {
        return db.sql("""
                        SELECT id, patient_id, hospital_id, department_id, doctor_id, visit_date, starts_at, status, created_at
                        FROM appointments WHERE citizen_id = :c ORDER BY created_at, id LIMIT 10000""")
                .bind("c", citizenId)
                .map(r -> new AppointmentRecord(r.get("id", UUID.class), r.get("patient_id", UUID.class),
                        r.get("hospital_id", UUID.class), r.get("department_id", UUID.class), r.get("doctor_id", UUID.class),
                        r.get("visit_date", LocalDate.class), r.get("starts_at", OffsetDateTime.class).toInstant(),
                        r.get("status", String.class), r.get("created_at", OffsetDateTime.class).toInstant()))
                .all()
                .collectList();
    }

    /** The citizen's family members, their ID numbers masked. */
    Mono<List<FamilyMemberRecord>> listFamilyMembers(UUID citizenId) {
        return db.sql("""
                        SELECT id, name, id_number, relationship, created_at FROM family_members WHERE citizen_id = :c
                        ORDER BY created_at LIMIT 1000""")
                .bind("c", citizenId)
                .map(r -> new FamilyMemberRecord(r.get("id", UUID.class), r.get("name", String.class),
                        mask(r.get("id_number", String.class)), r.get("relationship", String.class),
                        r.get("created_at", OffsetDateTime.class).toInstant()))
                .all()
                .collectList();
    }

    /** Deletes the citizen's family members whom no appointment names (those an appointment names stay with it). */
    Mono<Void> eraseUnnamedFamilyMembers(UUID citizenId) {
        return db.sql("DELETE FROM family_members f WHERE f.citizen_id = :c "
                        + "AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.patient_id = f.id)")
                .bind("c", citizenId)
                .then();
    }

    private static String mask(String id) {
        return id == null || id.length() < 8 ? "****" : id.substring(0, 4) + "*".repeat(id.length() - 8) + id.substring(id.length() - 4);
    }
}
