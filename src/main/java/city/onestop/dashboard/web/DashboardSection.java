package city.onestop.dashboard.web;

import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Mono;

/** One section of the dashboard: its JSON field name and how to load its data for a citizen. */
interface DashboardSection {

    String name();

    /** The section's data (merged after {@code "status":"OK"}); an error or a timeout makes the section UNAVAILABLE. */
    Mono<Map<String, Object>> load(UUID citizenId);
}
