package city.onestop.platform.outbox;

import org.springframework.stereotype.Component;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outbox's own copy of the application's mapper: times keep the offset they were written with (an appointment
 * at 08:00+08:00 is read back as 08:00+08:00, not 00:00Z), and a field added to an event later does not break the
 * reading of older payloads.
 */
@Component
class OutboxJson {

    private final JsonMapper mapper;

    OutboxJson(JsonMapper json) {
        this.mapper = json.rebuild()
                .disable(DateTimeFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    JsonMapper mapper() {
        return mapper;
    }
}
