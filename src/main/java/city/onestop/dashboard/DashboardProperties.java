package city.onestop.dashboard;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Dashboard settings ({@code onestop.dashboard.*}), defaulted here.
 *
 * @param sectionTimeout how long one section may take before it is shown as UNAVAILABLE
 * @param budget the longest the whole dashboard waits; no section is given more than this
 */
@ConfigurationProperties("onestop.dashboard")
public record DashboardProperties(Duration sectionTimeout, Duration budget) {

    public DashboardProperties {
        if (sectionTimeout == null) sectionTimeout = Duration.ofMillis(300);
        if (budget == null) budget = Duration.ofMillis(500);
    }
}
