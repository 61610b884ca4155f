package city.onestop.notification.delivery;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The {@code notification_deliveries} table: one row per notification, channel and target. A redelivered
 * {@code NotificationStored} finds the row of a target already served and sends nothing there again.
 */
@Component
class DeliveryStore {

    enum Status { PENDING, SENT, GONE, REJECTED, SKIPPED }

    private final DatabaseClient db;
    private final TransactionalOperator tx;

    DeliveryStore(DatabaseClient db, TransactionalOperator tx) {
        this.db = db;
        this.tx = tx;
    }

    /** Starts (or finds) the delivery; emits its status: PENDING means "still to send". */
    Mono<Status> begin(UUID notificationId, String channel, String target, UUID citizenId, Instant now) {
        return db.sql("""
                        WITH ins AS (
                            INSERT INTO notification_deliveries (notification_id, channel, target, citizen_id, status, created_at)
                            VALUES (:n, :ch, :t, :c, 'PENDING', :now)
                            ON CONFLICT DO NOTHING RETURNING status)
                        SELECT status FROM ins
                        UNION ALL
                        SELECT status FROM notification_deliveries WHERE notification_id = :n AND channel = :ch AND target = :t
                        LIMIT 1""")
                .bind("n", notificationId)
                .bind("ch", channel)
                .bind("t", target)
                .bind("c", citizenId)
                .bind("now", now.atOffset(ZoneOffset.UTC))
                .map(r -> Status.valueOf(r.get("status", String.class)))
                .one();
    }

    /**
     * Starts an SMS delivery if the citizen's texts since {@code dayStart} are under {@code cap}: PENDING, or SKIPPED
     * when the cap is reached (an already known delivery keeps its status). A per-citizen transaction lock makes
     * concurrent notifications count each other.
     */
    Mono<Status> beginSms(UUID notificationId, UUID citizenId, Instant dayStart, int cap, Instant now) {
        return db.sql("SELECT pg_advisory_xact_lock(hashtextextended('notification_sms:' || CAST(:c AS text), 0))")
                .bind("c", citizenId)
                .then()
                .then(db.sql("""
                                INSERT INTO notification_deliveries (notification_id, channel, target, citizen_id, status, detail, created_at)
                                SELECT :n, 'SMS', 'phone', :c,
                                       CASE WHEN count(*) < :cap THEN 'PENDING' ELSE 'SKIPPED' END,
                                       CASE WHEN count(*) < :cap THEN NULL ELSE 'daily SMS cap reached' END, :now
                                FROM notification_deliveries
                                WHERE citizen_id = :c AND channel = 'SMS' AND created_at >= :day AND status IN ('PENDING', 'SENT')
                                ON CONFLICT DO NOTHING""")
                        .bind("n", notificationId)
                        .bind("c", citizenId)
                        .bind("cap", cap)
                        .bind("day", dayStart.atOffset(ZoneOffset.UTC))
                        .bind("now", now.atOffset(ZoneOffset.UTC))
                        .then())
                .then(db.sql("SELECT status FROM notification_deliveries WHERE notification_id = :n AND channel = 'SMS' AND target = 'phone'")
                        .bind("n", notificationId)
                        .map(r -> Status.valueOf(r.get("status", String.class)))
                        .one())
                .as(tx::transactional);
    }

    /** Records a delivery skipped from the start (quiet hours); emits whether it is new (a redelivery finds it). */
    Mono<Boolean> skip(UUID notificationId, String channel, String target, UUID citizenId, String detail, Instant now) {
        return db.sql("""
                        INSERT INTO notification_deliveries (notification_id, channel, target, citizen_id, status, detail, created_at)
                        VALUES (:n, :ch, :t, :c, 'SKIPPED', :d, :now)
                        ON CONFLICT DO NOTHING""")
                .bind("n", notificationId)
                .bind("ch", channel)
                .bind("t", target)
                .bind("c", citizenId)
                .bind("d", detail)
                .bind("now", now.atOffset(ZoneOffset.UTC))
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1);
    }

    /** Records the end of a delivery (or a failed attempt, when {@code status} stays PENDING). */
    Mono<Void> record(UUID notificationId, String channel, String target, Status status, @Nullable String detail, Instant now) {
        var spec = db.sql("""
                        UPDATE notification_deliveries SET status = :s, attempts = attempts + 1, detail = :d,
                            sent_at = CASE WHEN :s = 'SENT' THEN CAST(:now AS timestamptz) ELSE sent_at END
                        WHERE notification_id = :n AND channel = :ch AND target = :t""")
                .bind("s", status.name())
                .bind("now", now.atOffset(ZoneOffset.UTC))
                .bind("n", notificationId)
                .bind("ch", channel)
                .bind("t", target);
        spec = detail == null ? spec.bindNull("d", String.class) : spec.bind("d", detail.length() > 300 ? detail.substring(0, 300) : detail);
        return spec.then();
    }
}
