package city.onestop.notification.delivery;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code notification_devices} table. */
@Component
class DeviceStore {

    static final int MAX_PER_CITIZEN = 10;

    record Device(UUID id, UUID citizenId, String type, String endpoint, String p256dh, String auth, OffsetDateTime createdAt) {}

    private final DatabaseClient db;

    DeviceStore(DatabaseClient db) {
        this.db = db;
    }

    /**
     * Registers the device, or updates the keys of the same endpoint (a browser re-subscribing); empty when the
     * citizen already has {@value #MAX_PER_CITIZEN} devices. The count and the insert are one statement; two
     * registrations of one citizen at the very same moment could both pass it (a soft limit: devices are registered
     * one at a time by a person, and nothing else depends on the exact number).
     */
    Mono<Device> register(UUID citizenId, String endpoint, String p256dh, String auth, Instant now) {
        return db.sql("""
                        INSERT INTO notification_devices (id, citizen_id, type, endpoint, p256dh, auth, created_at)
                        SELECT :id, CAST(:c AS uuid), 'WEB_PUSH', :endpoint, :p256dh, :auth, :now
                        WHERE (SELECT count(*) FROM notification_devices WHERE citizen_id = CAST(:c AS uuid) AND endpoint <> :endpoint) < :max
                        ON CONFLICT (citizen_id, endpoint) DO UPDATE SET p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth
                        RETURNING *""")
                .bind("id", UUID.randomUUID())
                .bind("c", citizenId.toString())
                .bind("endpoint", endpoint)
                .bind("p256dh", p256dh)
                .bind("auth", auth)
                .bind("now", now.atOffset(ZoneOffset.UTC))
                .bind("max", MAX_PER_CITIZEN)
                .map(DeviceStore::device)
                .one();
    }

    Mono<List<Device>> list(UUID citizenId) {
        return findAll(citizenId).collectList();
    }

    Flux<Device> findAll(UUID citizenId) {
        return db.sql("SELECT * FROM notification_devices WHERE citizen_id = :c ORDER BY created_at, id")
                .bind("c", citizenId)
                .map(DeviceStore::device)
                .all();
    }

    Mono<Boolean> delete(UUID citizenId, UUID id) {
        return db.sql("DELETE FROM notification_devices WHERE id = :id AND citizen_id = :c")
                .bind("id", id)
                .bind("c", citizenId)
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    /** Drops a device its push service no longer knows (404/410). */
    Mono<Void> drop(UUID id) {
        return db.sql("DELETE FROM notification_devices WHERE id = :id").bind("id", id).then();
    }

    private static Device device(io.r2dbc.spi.Readable r) {
        return new Device(r.get("id", UUID.class), r.get("citizen_id", UUID.class), r.get("type", String.class),
                r.get("endpoint", String.class), r.get("p256dh", String.class), r.get("auth", String.class),
                r.get("created_at", OffsetDateTime.class));
    }
}
