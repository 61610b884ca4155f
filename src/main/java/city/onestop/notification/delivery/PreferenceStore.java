package city.onestop.notification.delivery;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code notification_preferences} table; a citizen without a row has {@link Preferences#defaults()}. */
@Component
class PreferenceStore {

    private final DatabaseClient db;
    private final JsonMapper json;

    PreferenceStore(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    Mono<Preferences> get(UUID citizenId) {
        return db.sql("SELECT CAST(channels AS text) AS channels, quiet_start, quiet_end, time_zone, sms_daily_cap "
                        + "FROM notification_preferences WHERE citizen_id = :c")
                .bind("c", citizenId)
                .map(r -> new Preferences(channels(r.get("channels", String.class)), r.get("quiet_start", LocalTime.class),
                        r.get("quiet_end", LocalTime.class), ZoneId.of(r.get("time_zone", String.class)),
                        r.get("sms_daily_cap", Integer.class)))
                .one()
                .defaultIfEmpty(Preferences.defaults());
    }

    Mono<Preferences> put(UUID citizenId, Preferences p, Instant now) {
        Map<String, List<String>> stored = new TreeMap<>();
        p.channels().forEach((type, set) -> stored.put(type, set.stream().map(Enum::name).sorted().toList()));
        var spec = db.sql("""
                        INSERT INTO notification_preferences (citizen_id, channels, quiet_start, quiet_end, time_zone, sms_daily_cap, updated_at)
                        VALUES (:c, CAST(:channels AS jsonb), :qs, :qe, :zone, :cap, :now)
                        ON CONFLICT (citizen_id) DO UPDATE SET channels = EXCLUDED.channels, quiet_start = EXCLUDED.quiet_start,
                            quiet_end = EXCLUDED.quiet_end, time_zone = EXCLUDED.time_zone, sms_daily_cap = EXCLUDED.sms_daily_cap,
                            updated_at = EXCLUDED.updated_at""")
                .bind("c", citizenId)
                .bind("channels", json.writeValueAsString(stored))
                .bind("zone", p.zone().getId())
                .bind("cap", p.smsDailyCap())
                .bind("now", now.atOffset(ZoneOffset.UTC));
        spec = p.quietStart() == null ? spec.bindNull("qs", LocalTime.class) : spec.bind("qs", p.quietStart());
        spec = p.quietEnd() == null ? spec.bindNull("qe", LocalTime.class) : spec.bind("qe", p.quietEnd());
        return spec.then().then(get(citizenId));
    }

    private Map<String, Set<Preferences.Channel>> channels(String text) {
        Map<String, List<String>> raw = json.readValue(text, new TypeReference<Map<String, List<String>>>() {});
        Map<String, Set<Preferences.Channel>> out = new LinkedHashMap<>(Preferences.defaults().channels());
        raw.forEach((type, list) -> out.put(type, list.stream().map(Preferences.Channel::valueOf).collect(Collectors.toUnmodifiableSet())));
        return Map.copyOf(out);
    }
}
