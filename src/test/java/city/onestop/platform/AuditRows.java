package city.onestop.platform;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;

/** Reads audit rows straight from the table, independently of the audit API, for the features' audit tests. */
public final class AuditRows {

    public record Row(UUID actorId, String actorRole, String action, String target, String outcome, String requestId,
            String clientIp) {}

    private final DatabaseClient db;

    public AuditRows(DatabaseClient db) {
        this.db = db;
    }

    /** Rows whose target contains {@code targetPart}, oldest first. */
    public List<Row> byTarget(String targetPart) {
        return query("WHERE position(:p IN target) > 0", targetPart);
    }

    /** Rows of one actor, oldest first. */
    public List<Row> byActor(UUID actor) {
        return query("WHERE actor_id = :p", actor);
    }

    public static Row last(List<Row> rows) {
        return rows.get(rows.size() - 1);
    }

    /** The actions of an activity page ({@code items[].action}), in page order. */
    public static List<String> actions(java.util.Map<?, ?> page) {
        return ((List<?>) page.get("items")).stream().map(i -> (String) ((java.util.Map<?, ?>) i).get("action")).toList();
    }

    /** Every row's target and request id as text, for "is this value anywhere" checks. */
    public long countContaining(String text) {
        return db.sql("SELECT count(*) AS n FROM audit_log WHERE position(:t IN coalesce(target, '')) > 0")
                .bind("t", text)
                .map(r -> r.get("n", Long.class))
                .one()
                .block(Duration.ofSeconds(10));
    }

    private List<Row> query(String where, Object value) {
        return db.sql("SELECT actor_id, actor_role, action, target, outcome, request_id, client_ip FROM audit_log " + where
                        + " ORDER BY id")
                .bind("p", value)
                .map(r -> new Row(r.get("actor_id", UUID.class), r.get("actor_role", String.class), r.get("action", String.class),
                        r.get("target", String.class), r.get("outcome", String.class), r.get("request_id", String.class),
                        r.get("client_ip", String.class)))
                .all()
                .collectList()
                .block(Duration.ofSeconds(10));
    }
}
