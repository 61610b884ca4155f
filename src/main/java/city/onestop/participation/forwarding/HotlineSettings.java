package city.onestop.participation.forwarding;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code onestop.participation.hotline.*}: the city's 12345 system. Off unless {@code enabled} and a
 * {@code baseUrl} are set.
 *
 * @param pollEvery how often a filed case's status is read back
 * @param maxBackoff the longest wait between two failed attempts
 */
@ConfigurationProperties("onestop.participation.hotline")
public record HotlineSettings(boolean enabled, String baseUrl, String apiKey, Duration timeout, Duration connectTimeout,
        Duration interval, Duration pollEvery, Duration maxBackoff, Integer batch) {

    public HotlineSettings {
        baseUrl = baseUrl == null ? "" : baseUrl.strip();
        apiKey = apiKey == null ? "" : apiKey;
        if (timeout == null) timeout = Duration.ofSeconds(3);
        if (connectTimeout == null) connectTimeout = Duration.ofSeconds(1);
        if (interval == null) interval = Duration.ofSeconds(30);
        if (pollEvery == null) pollEvery = Duration.ofMinutes(10);
        if (maxBackoff == null) maxBackoff = Duration.ofHours(1);
        if (batch == null) batch = 20;
    }
}
