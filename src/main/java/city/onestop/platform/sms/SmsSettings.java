package city.onestop.platform.sms;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code onestop.sms.*}: where the SMS provider is and how long to wait for it. {@code simulated=true} (the
 * {@code local} profile) logs messages instead of sending them. {@code maxRetries} retries a send that failed
 * transiently (5xx, timeout, connection refused) with the same idempotency key, which is safe only because the
 * provider delivers a key once (docs/sms.md); set it to 0 for a provider that does not honour the key.
 */
@ConfigurationProperties("onestop.sms")
public record SmsSettings(
        @Nullable String baseUrl,
        @Nullable String apiKey,
        boolean simulated,
        @Nullable Duration timeout,
        @Nullable Duration connectTimeout,
        @Nullable Integer maxRetries,
        @Nullable Duration retryBackoff,
        int circuitBreakerWindow,
        int circuitBreakerMinimumCalls,
        float circuitBreakerFailureRate,
        @Nullable Duration circuitBreakerOpenFor) {

    public SmsSettings {
        baseUrl = baseUrl == null ? "" : baseUrl.strip();
        apiKey = apiKey == null ? "" : apiKey.strip();
        timeout = timeout == null ? Duration.ofSeconds(3) : timeout;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(1) : connectTimeout;
        maxRetries = maxRetries == null || maxRetries < 0 ? 1 : maxRetries;
        retryBackoff = retryBackoff == null ? Duration.ofMillis(200) : retryBackoff;
        circuitBreakerWindow = circuitBreakerWindow <= 0 ? 20 : circuitBreakerWindow;
        circuitBreakerMinimumCalls = circuitBreakerMinimumCalls <= 0 ? 10 : circuitBreakerMinimumCalls;
        circuitBreakerFailureRate = circuitBreakerFailureRate <= 0 ? 50f : circuitBreakerFailureRate;
        circuitBreakerOpenFor = circuitBreakerOpenFor == null ? Duration.ofSeconds(30) : circuitBreakerOpenFor;
    }
}
