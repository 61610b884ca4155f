package city.onestop.notification;

import city.onestop.citizen.PersonalData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Notification's part of a citizen's export and erasure: stored notifications and bus watches, both deleted on erasure. */
@Component
class NotificationPersonalData implements PersonalData {

    private final DatabaseClient db;

    NotificationPersonalData(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public String section() {
        return "notifications";
    }

    @Override
    public Mono<Object> export(UUID citizenId) {
        Mono<List<Map<String, Object>>> notifications = db.sql(
                        "SELECT * FROM notifications WHERE citizen_id = :c ORDER BY created_at, id LIMIT 10000")
                .bind("c", citizenId)
                .fetch()
                .all()
                .map(NotificationPersonalData::withoutCitizen)
                .collectList();
        Mono<List<Map<String, Object>>> watches = db.sql(
                        "SELECT * FROM notification_watches WHERE citizen_id = :c ORDER BY created_at LIMIT 10000")
                .bind("c", citizenId)
                .fetch()
                .all()
                .map(NotificationPersonalData::withoutCitizen)
                .collectList();
        // Devices without their keys (secrets shared with the push service, of no use to the citizen).
        Mono<List<Map<String, Object>>> devices = db.sql(
                        "SELECT id, type, endpoint, created_at FROM notification_devices WHERE citizen_id = :c ORDER BY created_at LIMIT 100")
                .bind("c", citizenId)
                .fetch()
                .all()
                .map(NotificationPersonalData::withoutCitizen)
                .collectList();
        Mono<List<Map<String, Object>>> preferences = db.sql(
                        "SELECT CAST(channels AS text) AS channels, quiet_start, quiet_end, time_zone, sms_daily_cap, updated_at "
                                + "FROM notification_preferences WHERE citizen_id = :c")
                .bind("c", citizenId)
                .fetch()
                .all()
                .map(NotificationPersonalData::withoutCitizen)
                .collectList();
        return Mono.zip(notifications, watches, devices, preferences).map(t -> {
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("notifications", t.getT1());
            part.put("watches", t.getT2());
            part.put("devices", t.getT3());
            part.put("preferences", t.getT4());
            return part;
        });
    }

    @Override
    public Mono<Void> erase(UUID citizenId) {
        return db.sql("DELETE FROM notifications WHERE citizen_id = :c").bind("c", citizenId).then()
                .then(db.sql("DELETE FROM notification_watches WHERE citizen_id = :c").bind("c", citizenId).then())
                .then(db.sql("DELETE FROM notification_devices WHERE citizen_id = :c").bind("c", citizenId).then())
                .then(db.sql("DELETE FROM notification_preferences WHERE citizen_id = :c").bind("c", citizenId).then())
                .then(db.sql("DELETE FROM notification_deliveries WHERE citizen_id = :c").bind("c", citizenId).then());
    }

    /** Column names as camelCase, the citizen id (the exporter's own) left out; times as ISO strings. */
    private static Map<String, Object> withoutCitizen(Map<String, Object> row) {
        Map<String, Object> out = new LinkedHashMap<>();
        row.forEach((k, v) -> {
            if (!k.equals("citizen_id") && v != null) {
                out.put(camel(k), v instanceof java.time.temporal.TemporalAccessor t ? t.toString() : v);
            }
        });
        return out;
    }

    private static String camel(String column) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char ch : column.toCharArray()) {
            if (ch == '_') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(ch) : ch);
                up = false;
            }
        }
        return b.toString();
    }
}
