package city.onestop.platform.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one source of "now". {@code onestop.clock.fixed=2025-11-06T21:04:14Z} pins it (replaying a captured
 * feed at its capture time); {@code onestop.clock.start-at=...} starts it at that instant and lets it tick.
 */
@Configuration(proxyBeanMethods = false)
class ClockConfig {

    private static final Logger log = LoggerFactory.getLogger(ClockConfig.class);

    @Bean
    Clock clock(@Value("${onestop.clock.fixed:}") String fixed, @Value("${onestop.clock.start-at:}") String startAt) {
        if (!fixed.isBlank()) {
            log.warn("The service clock is fixed at {}", fixed);
            return Clock.fixed(Instant.parse(fixed), java.time.ZoneOffset.UTC);
        }
        if (!startAt.isBlank()) {
            Duration offset = Duration.between(Instant.now(), Instant.parse(startAt));
            log.warn("The service clock starts at {} and ticks from there", startAt);
            return Clock.offset(Clock.systemUTC(), offset);
        }
        return Clock.systemUTC();
    }
}
