package city.onestop.platform.audit;

import city.onestop.platform.AuditLog;
import city.onestop.platform.RequestIds;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** Appends audit rows to one of {@link AuditChains#CHAINS} hash chains, inside the caller's transaction. */
@Component
class ChainedAuditLog implements AuditLog {

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Clock clock;

    ChainedAuditLog(DatabaseClient db, TransactionalOperator tx, Clock clock) {
        this.db = db;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public Mono<Void> record(AuditEntry entry) {
        return Mono.deferContextual(ctx -> {
            String requestId = ctx.getOrDefault(RequestIds.CONTEXT_KEY, null);
            String clientIp = ctx.getOrDefault(RequestIds.CLIENT_IP_KEY, null);
            int chain = AuditChains.chainOf(entry.actorId(), entry.target());
            // Audit time is real time: a clock fixed to replay a transit feed must not stamp security events.
            Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
            AuditRow row = new AuditRow(0, chain, 0, at, entry.actorId(), entry.actorRole(), entry.action(), entry.target(),
                    entry.outcome().name(), requestId, clientIp, null, null);
            // The lock is its own statement: a statement's snapshot is taken when it starts, so the INSERT that
            // follows it sees the chain's last row as committed by whoever held the lock before.
            return db.sql("SELECT pg_advisory_xact_lock(:ns, :chain)")
                    .bind("ns", AuditChains.LOCK_NAMESPACE)
                    .bind("chain", chain)
                    .then()
                    .then(insert(row))
                    .as(tx::transactional);
        });
    }

    /** The row after the chain's last one (or the genesis link), hashed in the same statement. */
    private Mono<Void> insert(AuditRow row) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("""
                        INSERT INTO audit_log (chain, chain_seq, occurred_at, actor_id, actor_role, action, target, outcome,
                                               request_id, client_ip, prev_hash, hash)
                        SELECT :chain, prev.seq + 1, :at, :actorId, :actorRole, :action, :target, :outcome, :requestId, :clientIp,
                               prev.hash, """ + AuditChains.HASH_SQL + """

                        FROM (SELECT seq, hash FROM (
                                  (SELECT chain_seq AS seq, hash FROM audit_log WHERE chain = :chain ORDER BY chain_seq DESC LIMIT 1)
                                  UNION ALL SELECT 0, :genesis) links
                              ORDER BY seq DESC LIMIT 1) prev""")
                .bind("chain", row.chain())
                .bind("at", OffsetDateTime.ofInstant(row.occurredAt(), ZoneOffset.UTC))
                .bind("action", row.action())
                .bind("outcome", row.outcome())
                .bind("body", AuditChains.body(row))
                .bind("genesis", AuditChains.GENESIS.hash());
        spec = bindNullable(spec, "actorId", row.actorId(), UUID.class);
        spec = bindNullable(spec, "actorRole", row.actorRole(), String.class);
        spec = bindNullable(spec, "target", row.target(), String.class);
        spec = bindNullable(spec, "requestId", row.requestId(), String.class);
        spec = bindNullable(spec, "clientIp", row.clientIp(), String.class);
        return spec.then();
    }

    static <T> DatabaseClient.GenericExecuteSpec bindNullable(
            DatabaseClient.GenericExecuteSpec spec, String name, T value, Class<T> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }
}
