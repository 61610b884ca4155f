package city.onestop.notification.watch;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code notification_watches} table. */
@Component
class WatchStore {

    static final int MAX_PER_CITIZEN = 10;

    record Watch(UUID id, UUID citizenId, String stopId, String tripId, OffsetDateTime createdAt, OffsetDateTime expiresAt,
            OffsetDateTime notifiedAt) {}

    private final DatabaseClient db;

    WatchStore(DatabaseClient db) {
        this.db = db;
    }

    /** Creates the watch, or returns the existing one for the same stop and trip; empty when the citizen has too many. */
    Mono<Watch> create(UUID citizenId, String stopId, String tripId, Instant now, Instant expiresAt) {
        return db.sql("""
                        INSERT INTO notification_watches (id, citizen_id, stop_id, trip_id, created_at, expires_at)
                        SELECT :id, :c, :s, :t, :now, :exp
                        WHERE (SELECT count(*) FROM notification_watches WHERE citizen_id = :c AND expires_at > :now) < :max
                        ON CONFLICT (citizen_id, stop_id, trip_id) DO UPDATE SET expires_at = EXCLUDED.expires_at
                        RETURNING *""")
                .bind("id", UUID.randomUUID())
                .bind("c", citizenId)
                .bind("s", stopId)
                .bind("t", tripId)
                .bind("now", now.atOffset(ZoneOffset.UTC))
                .bind("exp", expiresAt.atOffset(ZoneOffset.UTC))
                .bind("max", MAX_PER_CITIZEN)
                .map(WatchStore::watch)
                .one();
    }

    Mono<List<Watch>> listActive(UUID citizenId, Instant now) {
        return db.sql("SELECT * FROM notification_watches WHERE citizen_id = :c AND expires_at > :now ORDER BY created_at, id")
                .bind("c", citizenId)
                .bind("now", now.atOffset(ZoneOffset.UTC))
                .map(WatchStore::watch)
                .all()
                .collectList();
    }

    Mono<Boolean> delete(UUID citizenId, UUID id) {
        return db.sql("DELETE FROM notification_watches WHERE id = :id AND citizen_id = :c")
                .bind("id", id)
                .bind("c", citizenId)
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    /** Watches not yet notified and not expired. */
    Flux<Watch> pending(Instant now) {
        return db.sql("SELECT * FROM notification_watches WHERE notified_at IS NULL AND expires_at > :now ORDER BY stop_id, id")
                .bind("now", now.atOffset(ZoneOffset.UTC))
                .map(WatchStore::watch)
                .all();
    }

    Mono<Void> markNotified(UUID id, Instant now) {
        return db.sql("UPDATE notification_watches SET notified_at = :now WHERE id = :id AND notified_at IS NULL")
                .bind("id", id)
                .bind("now", now.atOffset(ZoneOffset.UTC))
                .then();
    }

    /** Deletes watches whose trip has passed; returns how many. */
    Mono<Long> deleteExpired(Instant now) {
        return db.sql("DELETE FROM notification_watches WHERE expires_at <= :now")
                .bind("now", now.atOffset(ZoneOffset.UTC))
                .fetch()
                .rowsUpdated();
    }

    private static Watch watch(io.r2dbc.spi.Readable r) {
        return new Watch(r.get("id", UUID.class), r.get("citizen_id", UUID.class), r.get("stop_id", String.class),
                r.get("trip_id", String.class), r.get("created_at", OffsetDateTime.class), r.get("expires_at", OffsetDateTime.class),
                r.get("notified_at", OffsetDateTime.class));
    }
}
