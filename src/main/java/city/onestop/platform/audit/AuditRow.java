package city.onestop.platform.audit;

import java.time.Instant;
import java.util.UUID;

/** One stored audit row, as hashed and as listed. */
record AuditRow(
        long id,
        int chain,
        long chainSeq,
        Instant occurredAt,
        UUID actorId,
        String actorRole,
        String action,
        String target,
        String outcome,
        String requestId,
        String clientIp,
        String prevHash,
        String hash) {

    static AuditRow from(io.r2dbc.spi.Readable row) {
        return new AuditRow(
                row.get("id", Long.class),
                row.get("chain", Integer.class),
                row.get("chain_seq", Long.class),
                row.get("occurred_at", java.time.OffsetDateTime.class).toInstant(),
                row.get("actor_id", UUID.class),
                row.get("actor_role", String.class),
                row.get("action", String.class),
                row.get("target", String.class),
                row.get("outcome", String.class),
                row.get("request_id", String.class),
                row.get("client_ip", String.class),
                row.get("prev_hash", String.class),
                row.get("hash", String.class));
    }
}
