package city.onestop.booking;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The slot and schedule rows the FHIR view reads: statements only, for {@link FhirReads}. */
@Component
class FhirReadRepository {

    private final DatabaseClient db;

    FhirReadRepository(DatabaseClient db) {
        this.db = db;
    }

    /** The zone of the schedule's hospital; empty for an unknown schedule. */
    Mono<ZoneId> findScheduleZone(UUID scheduleId) {
        return db.sql("SELECT h.zone FROM schedules s JOIN hospitals h ON h.id = s.hospital_id WHERE s.id = :id")
                .bind("id", scheduleId)
                .map(row -> ZoneId.of(row.get("zone", String.class)))
                .one();
    }

    /** The schedule's slots starting in [from, to), in order; {@link Instant#MIN} and {@link Instant#MAX} leave a side open. */
    Mono<List<FhirReads.SlotRow>> listSlots(UUID scheduleId, Instant from, Instant to) {
        var spec = db.sql("SELECT s.id, s.schedule_id, s.starts_at, s.ends_at, s.capacity, s.booked, s.open "
                        + "FROM slots s WHERE s.schedule_id = :id"
                        + (from == Instant.MIN ? "" : " AND s.starts_at >= :from")
                        + (to == Instant.MAX ? "" : " AND s.starts_at < :to")
                        + " ORDER BY s.starts_at, s.number")
                .bind("id", scheduleId);
        if (from != Instant.MIN) {
            spec = spec.bind("from", from.atOffset(ZoneOffset.UTC));
        }
        if (to != Instant.MAX) {
            spec = spec.bind("to", to.atOffset(ZoneOffset.UTC));
        }
        return spec.map(row -> new FhirReads.SlotRow(row.get("id", UUID.class), row.get("schedule_id", UUID.class),
                        row.get("starts_at", OffsetDateTime.class), row.get("ends_at", OffsetDateTime.class),
                        row.get("capacity", Integer.class), row.get("booked", Integer.class),
                        Boolean.TRUE.equals(row.get("open", Boolean.class))))
                .all()
                .collectList();
    }
}
