package city.onestop.billing.provider;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code onestop.billing.provider.*}. {@code baseUrl} blank means "the simulated provider inside this app"
 * (local profile). {@code callbackSecret} is the HMAC-SHA256 key shared with the provider; the default is
 * for local use only and must be overridden in any deployment.
 */
@ConfigurationProperties("onestop.billing.provider")
public record ProviderSettings(
        String baseUrl,
        String callbackUrl,
        String callbackSecret,
        Duration timeout,
        Duration connectTimeout,
        int bulkheadMaxConcurrent,
        int circuitBreakerWindow,
        int circuitBreakerMinimumCalls,
        float circuitBreakerFailureRate,
        Duration circuitBreakerOpenFor) {

    public ProviderSettings {
        baseUrl = baseUrl == null ? "" : baseUrl;
        callbackUrl = callbackUrl == null ? "" : callbackUrl;
        callbackSecret = callbackSecret == null || callbackSecret.isBlank() ? "onestop-local-provider-secret" : callbackSecret;
        timeout = timeout == null ? Duration.ofSeconds(3) : timeout;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(1) : connectTimeout;
        bulkheadMaxConcurrent = bulkheadMaxConcurrent <= 0 ? 128 : bulkheadMaxConcurrent;
        circuitBreakerWindow = circuitBreakerWindow <= 0 ? 50 : circuitBreakerWindow;
        circuitBreakerMinimumCalls = circuitBreakerMinimumCalls <= 0 ? 20 : circuitBreakerMinimumCalls;
        circuitBreakerFailureRate = circuitBreakerFailureRate <= 0 ? 50f : circuitBreakerFailureRate;
        circuitBreakerOpenFor = circuitBreakerOpenFor == null ? Duration.ofSeconds(10) : circuitBreakerOpenFor;
    }
}
