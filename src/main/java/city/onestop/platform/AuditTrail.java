package city.onestop.platform;

import java.time.Instant;
import java.util.UUID;
import reactor.core.publisher.Flux;

/** Reading the audit trail for one actor (a citizen's export); the trail itself is written only by {@link AuditLog}. */
public interface AuditTrail {

    /** One row as the actor may see it. */
    record AuditRecord(Instant occurredAt, String action, String target, String outcome, String requestId, String clientIp) {}

    /** The actor's rows, oldest first, at most {@code limit}. */
    Flux<AuditRecord> findByActor(UUID actorId, int limit);
}
