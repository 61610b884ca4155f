package city.onestop.platform.observation;

import io.lettuce.core.metrics.CommandLatencyRecorder;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.observation.SecurityObservationSettings;

/**
 * Per-request work that costs CPU on every request and that nothing reads (profiled under load, see
 * docs/benchmarks.md, "Per-request cost"). The Prometheus HTTP server metrics ({@code http_server_requests_*}) stay.
 */
@Configuration(proxyBeanMethods = false)
class RequestCost {

    /**
     * Spring Security wraps every filter of its chain, and each authentication and authorization, in an observation:
     * about a dozen observation starts and stops per request, exported as {@code spring_security_*} timers that no
     * dashboard or alert of ours uses. The HTTP server observation around the whole exchange is kept.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * Lettuce's own command latency collector (HdrHistogram per command, published on Lettuce's event bus, which
     * nothing subscribes to) runs on every Redis command when LatencyUtils is on the classpath.
     */
    @Bean
    ClientResourcesBuilderCustomizer noLettuceLatencyCollector() {
        return builder -> builder.commandLatencyRecorder(CommandLatencyRecorder.disabled());
    }
}
