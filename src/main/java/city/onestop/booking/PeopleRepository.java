package city.onestop.booking;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Who is who for booking: hospital staff, family members, and booking suspensions. */
@Component
class PeopleRepository {

    private static final ZoneId DISPLAY_ZONE = ZoneId.of("Asia/Shanghai");

    private final DatabaseClient db;

    PeopleRepository(DatabaseClient db) {
        this.db = db;
    }

    /** The hospital the staff member works for; empty when they are not staff of any. */
    public Mono<UUID> findStaffHospital(UUID citizenId) {
        return db.sql("SELECT hospital_id FROM hospital_staff WHERE citizen_id = :id")
                .bind("id", citizenId)
                .map(row -> row.get("hospital_id", UUID.class))
                .one();
    }

    /** Makes the citizen staff of the hospital (moving them if they were staff elsewhere). */
    public Mono<Void> assignStaff(UUID citizenId, UUID hospitalId, Instant now) {
        return db.sql("""
                        INSERT INTO hospital_staff (citizen_id, hospital_id, created_at)
                        SELECT :citizen, h.id, :now FROM hospitals h WHERE h.id = :hospital
                        ON CONFLICT (citizen_id) DO UPDATE SET hospital_id = EXCLUDED.hospital_id, created_at = EXCLUDED.created_at""")
                .bind("citizen", citizenId)
                .bind("hospital", hospitalId)
                .bind("now", AppointmentRepository.utc(now))
                .fetch()
                .rowsUpdated()
                .flatMap(n -> n == 1 ? Mono.<Void>empty() : Mono.error(new BookingError.NotFound("Hospital", hospitalId)));
    }

    public Mono<Views.FamilyMember> addFamilyMember(UUID citizenId, String name, String idNumber, String relationship, Instant now) {
        UUID id = UUID.randomUUID();
        return db.sql("""
                        INSERT INTO family_members (id, citizen_id, name, id_number, relationship, created_at)
                        VALUES (:id, :citizen, :name, :idNumber, :relationship, :now)""")
                .bind("id", id)
                .bind("citizen", citizenId)
                .bind("name", name)
                .bind("idNumber", idNumber)
                .bind("relationship", relationship)
                .bind("now", AppointmentRepository.utc(now))
                .then()
                .onErrorMap(e -> ConstraintErrors.violates(e, "family_members_unique_person")
                        ? new BookingError.FamilyMemberExists()
                        : e)
                .thenReturn(new Views.FamilyMember(id, name, mask(idNumber), relationship, Views.at(now, DISPLAY_ZONE)));
    }

    public Mono<List<Views.FamilyMember>> listFamilyMembers(UUID citizenId) {
        return db.sql("SELECT * FROM family_members WHERE citizen_id = :citizen ORDER BY created_at, id")
                .bind("citizen", citizenId)
                .map(row -> new Views.FamilyMember(row.get("id", UUID.class), row.get("name", String.class),
                        mask(row.get("id_number", String.class)), row.get("relationship", String.class),
                        Views.at(row.get("created_at", OffsetDateTime.class), DISPLAY_ZONE)))
                .all()
                .collectList();
    }

    static String mask(String idNumber) {
        return idNumber.substring(0, 6) + "********" + idNumber.substring(idNumber.length() - 4);
    }

    /** Lifts the citizen's suspension; 404 when none is in force. */
    public Mono<Void> liftSuspension(UUID citizenId, UUID admin, Instant now) {
        return db.sql("UPDATE booking_suspensions SET lifted_at = :now, lifted_by = :admin "
                        + "WHERE citizen_id = :citizen AND lifted_at IS NULL AND until > :now")
                .bind("now", AppointmentRepository.utc(now))
                .bind("admin", admin)
                .bind("citizen", citizenId)
                .fetch()
                .rowsUpdated()
                .flatMap(n -> n == 1 ? Mono.<Void>empty()
                        : Mono.error(new BookingError.NotFound("Booking suspension of citizen", citizenId)));
    }
}
