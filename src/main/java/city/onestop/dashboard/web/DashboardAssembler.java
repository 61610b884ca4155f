package city.onestop.dashboard.web;

import city.onestop.dashboard.DashboardProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Runs every section at once ({@link Mono#zip}); each gets {@code min(sectionTimeout, budget)}, and a section that
 * errors or times out becomes {@code {"status":"UNAVAILABLE","reason":...}} instead of failing the whole response.
 * So the dashboard answers within the budget (plus scheduling overhead) whatever one service does.
 */
final class DashboardAssembler {

    private static final Logger log = LoggerFactory.getLogger(DashboardAssembler.class);

    private final List<DashboardSection> sections;
    private final Duration timeout;

    DashboardAssembler(List<DashboardSection> sections, DashboardProperties properties) {
        this.sections = List.copyOf(sections);
        this.timeout = properties.sectionTimeout().compareTo(properties.budget()) < 0 ? properties.sectionTimeout() : properties.budget();
    }

    Mono<Map<String, Object>> assemble(UUID citizenId) {
        if (sections.isEmpty()) return Mono.just(Map.of());
        List<Mono<Map<String, Object>>> loads = new ArrayList<>();
        for (DashboardSection s : sections) {
            loads.add(Mono.defer(() -> s.load(citizenId))
                    .map(DashboardAssembler::ok)
                    .defaultIfEmpty(ok(Map.of()))
                    .timeout(timeout)
                    .onErrorResume(e -> Mono.just(unavailable(s.name(), e))));
        }
        return Mono.zip(loads, results -> {
            Map<String, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < results.length; i++) {
                out.put(sections.get(i).name(), results[i]);
            }
            return out;
        });
    }

    private static Map<String, Object> ok(Map<String, Object> data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "OK");
        m.putAll(data);
        return m;
    }

    private Map<String, Object> unavailable(String section, Throwable e) {
        String reason;
        if (e instanceof TimeoutException) {
            reason = "TIMEOUT";
            log.warn("Dashboard section {} took longer than {} ms", section, timeout.toMillis());
        } else {
            // The cause is logged, never shown: no internals (SQL, hosts) in a response.
            reason = "ERROR";
            log.warn("Dashboard section {} failed", section, e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "UNAVAILABLE");
        m.put("reason", reason);
        return m;
    }
}
