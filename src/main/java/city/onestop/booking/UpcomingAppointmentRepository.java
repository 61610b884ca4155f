package city.onestop.booking;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@link UpcomingAppointments} from the {@code appointments} table (index {@code appointments_citizen}). */
@Component
class UpcomingAppointmentRepository implements UpcomingAppointments {

    private final DatabaseClient db;
    private final Clock clock;

    UpcomingAppointmentRepository(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    private static final String SELECT = """
            SELECT a.id, a.citizen_id, a.status, a.starts_at, a.ends_at, d.name AS doctor_name, dep.name AS department_name,
                   h.name AS hospital_name, h.zone, f.name AS patient_name
            FROM appointments a
            JOIN doctors d ON d.id = a.doctor_id
            JOIN departments dep ON dep.id = a.department_id
            JOIN hospitals h ON h.id = a.hospital_id
            LEFT JOIN family_members f ON f.id = a.patient_id
            """;

    @Override
    public Flux<Reminder> findBookedStartingBetween(Instant from, Instant to) {
        return db.sql(SELECT + " WHERE a.status = 'BOOKED' AND a.starts_at >= :from AND a.starts_at < :to ORDER BY a.starts_at, a.id")
                .bind("from", from.atOffset(ZoneOffset.UTC))
                .bind("to", to.atOffset(ZoneOffset.UTC))
                .map(r -> new Reminder(r.get("id", UUID.class), r.get("citizen_id", UUID.class), view(r)))
                .all();
    }

    private static UpcomingAppointment view(io.r2dbc.spi.Readable r) {
        ZoneId zone = ZoneId.of(r.get("zone", String.class));
        return new UpcomingAppointment(r.get("id", UUID.class), r.get("status", String.class),
                at(r.get("starts_at", OffsetDateTime.class), zone), at(r.get("ends_at", OffsetDateTime.class), zone),
                r.get("doctor_name", String.class), r.get("department_name", String.class),
                r.get("hospital_name", String.class), r.get("patient_name", String.class));
    }

    @Override
    public Mono<List<UpcomingAppointment>> upcoming(UUID citizenId, Duration within, int limit) {
        Instant now = clock.instant();
        return db.sql("""
                        SELECT a.id, a.status, a.starts_at, a.ends_at, d.name AS doctor_name, dep.name AS department_name,
                               h.name AS hospital_name, h.zone, f.name AS patient_name
                        FROM appointments a
                        JOIN doctors d ON d.id = a.doctor_id
                        JOIN departments dep ON dep.id = a.department_id
                        JOIN hospitals h ON h.id = a.hospital_id
                        LEFT JOIN family_members f ON f.id = a.patient_id
                        WHERE a.citizen_id = :citizen AND a.status IN ('PENDING', 'BOOKED', 'ARRIVED', 'CHECKED_IN')
                          AND a.ends_at > :now AND a.starts_at < :until
                        ORDER BY a.starts_at, a.id
                        LIMIT :limit""")
                .bind("citizen", citizenId)
                .bind("now", now.atOffset(ZoneOffset.UTC))
                .bind("until", now.plus(within).atOffset(ZoneOffset.UTC))
                .bind("limit", Math.max(1, Math.min(limit, 100)))
                .map(r -> {
                    ZoneId zone = ZoneId.of(r.get("zone", String.class));
                    return new UpcomingAppointment(r.get("id", UUID.class), r.get("status", String.class),
                            at(r.get("starts_at", OffsetDateTime.class), zone), at(r.get("ends_at", OffsetDateTime.class), zone),
                            r.get("doctor_name", String.class), r.get("department_name", String.class),
                            r.get("hospital_name", String.class), r.get("patient_name", String.class));
                })
                .all()
                .collectList();
    }

    private static OffsetDateTime at(OffsetDateTime t, ZoneId zone) {
        return t.atZoneSameInstant(zone).toOffsetDateTime();
    }
}
