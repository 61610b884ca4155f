package city.onestop.notification.delivery;

import city.onestop.platform.CurrentUser;
import city.onestop.platform.ProblemException;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Notification preferences", description = "Channels per notification type, quiet hours, daily SMS cap")
class PreferencesController {

    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
    private static final int MAX_TYPES = 50;

    private final PreferenceStore store;
    private final Clock clock;

    PreferencesController(PreferenceStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** {@code start}/{@code end} as {@code HH:mm} local times in {@code timeZone}. */
    record QuietHours(String start, String end) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PreferencesView(Map<String, List<String>> channels, @Nullable QuietHours quietHours, @Nullable String timeZone,
            @Nullable Integer smsDailyCap) {}

    @GetMapping(path = "/api/v1/me/notification-preferences", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "getNotificationPreferences", summary = "My notification preferences (defaults until I set them)")
    Mono<PreferencesView> get() {
        return CurrentUser.get().flatMap(u -> store.get(u.id())).map(PreferencesController::view);
    }

    @PutMapping(path = "/api/v1/me/notification-preferences", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "putNotificationPreferences", summary = "Replace my notification preferences: channels per type "
            + "(IN_APP, WEB_PUSH, SMS; types left out keep their defaults; the inbox always keeps everything), quietHours "
            + "{start, end} (HH:mm in timeZone; urgent notifications still go), smsDailyCap 0..20; 400 INVALID_PREFERENCES")
    Mono<PreferencesView> put(@RequestBody PreferencesView body) {
        Preferences p = parse(body);
        return CurrentUser.get().flatMap(u -> store.put(u.id(), p, clock.instant())).map(PreferencesController::view);
    }

    private static Preferences parse(PreferencesView body) {
        Map<String, Set<Preferences.Channel>> channels = new TreeMap<>(Preferences.defaults().channels());
        if (body.channels() != null) {
            if (body.channels().size() > MAX_TYPES) throw invalid("at most " + MAX_TYPES + " types in channels");
            body.channels().forEach((type, list) -> {
                if (type == null || !TYPE.matcher(type).matches()) throw invalid("channels: " + type + " is not a notification type");
                if (list == null) throw invalid("channels." + type + " must be a list of IN_APP, WEB_PUSH, SMS");
                EnumSet<Preferences.Channel> set = EnumSet.of(Preferences.Channel.IN_APP);
                for (String c : list) {
                    try {
                        set.add(Preferences.Channel.valueOf(c));
                    } catch (IllegalArgumentException | NullPointerException e) {
                        throw invalid("channels." + type + ": " + c + " is not one of IN_APP, WEB_PUSH, SMS");
                    }
                }
                channels.put(type, Set.copyOf(set));
            });
        }
        LocalTime start = null;
        LocalTime end = null;
        if (body.quietHours() != null) {
            start = time(body.quietHours().start(), "quietHours.start");
            end = time(body.quietHours().end(), "quietHours.end");
            if (start.equals(end)) throw invalid("quietHours.start and quietHours.end must differ");
        }
        ZoneId zone;
        try {
            zone = body.timeZone() == null ? Preferences.DEFAULT_ZONE : ZoneId.of(body.timeZone());
        } catch (DateTimeException e) {
            throw invalid("timeZone must be an IANA zone such as Asia/Shanghai");
        }
        int cap = body.smsDailyCap() == null ? Preferences.DEFAULT_SMS_CAP : body.smsDailyCap();
        if (cap < 0 || cap > 20) throw invalid("smsDailyCap must be between 0 and 20");
        return new Preferences(Map.copyOf(channels), start, end, zone, cap);
    }

    private static LocalTime time(@Nullable String value, String field) {
        if (value == null || !value.matches("\\d{2}:\\d{2}")) throw invalid(field + " must be HH:mm");
        try {
            return LocalTime.parse(value);
        } catch (DateTimeParseException e) {
            throw invalid(field + " must be HH:mm");
        }
    }

    private static ProblemException invalid(String detail) {
        return ProblemException.badRequest("INVALID_PREFERENCES", detail);
    }

    private static PreferencesView view(Preferences p) {
        Map<String, List<String>> channels = new TreeMap<>();
        p.channels().forEach((type, set) -> channels.put(type, set.stream().sorted().map(Enum::name).toList()));
        QuietHours quiet = p.quietStart() == null || p.quietEnd() == null ? null
                : new QuietHours(p.quietStart().toString(), p.quietEnd().toString());
        return new PreferencesView(channels, quiet, p.zone().getId(), p.smsDailyCap());
    }
}
