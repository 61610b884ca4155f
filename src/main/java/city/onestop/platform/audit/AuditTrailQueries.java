package city.onestop.platform.audit;

import city.onestop.platform.AuditTrail;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/** {@link AuditTrail} over {@code audit_log} (index {@code audit_log_actor}). */
@Component
class AuditTrailQueries implements AuditTrail {

    private final DatabaseClient db;

    AuditTrailQueries(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Flux<AuditRecord> findByActor(UUID actorId, int limit) {
        return db.sql("SELECT occurred_at, action, target, outcome, request_id, client_ip FROM audit_log WHERE actor_id = :a "
                        + "ORDER BY id LIMIT :n")
                .bind("a", actorId)
                .bind("n", limit)
                .map(r -> new AuditRecord(r.get("occurred_at", OffsetDateTime.class).toInstant(), r.get("action", String.class),
                        r.get("target", String.class), r.get("outcome", String.class), r.get("request_id", String.class),
                        r.get("client_ip", String.class)))
                .all();
    }
}
