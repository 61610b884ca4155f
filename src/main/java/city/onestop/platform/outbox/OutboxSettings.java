package city.onestop.platform.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The relay's knobs ({@code onestop.outbox.*}). {@code lease} must exceed {@code consumeTimeout}: a delivery claimed
 * by an instance that dies becomes due again when its lease runs out.
 */
@ConfigurationProperties("onestop.outbox")
record OutboxSettings(
        @DefaultValue("true") boolean relayEnabled,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("50") int batchSize,
        @DefaultValue("8") int concurrency,
        @DefaultValue("60s") Duration lease,
        @DefaultValue("30s") Duration consumeTimeout,
        @DefaultValue("1s") Duration firstBackoff,
        @DefaultValue("10m") Duration maxBackoff,
        @DefaultValue("10") int maxAttempts,
        @DefaultValue("7d") Duration retention,
        @DefaultValue("1h") Duration cleanupInterval) {

    OutboxSettings {
        if (lease.compareTo(consumeTimeout) <= 0) {
            throw new IllegalArgumentException("onestop.outbox.lease must be longer than onestop.outbox.consume-timeout");
        }
        if (batchSize < 1 || concurrency < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("onestop.outbox batch-size, concurrency and max-attempts must be at least 1");
        }
    }

    /** The wait before attempt {@code attempts + 1}: doubling from {@code firstBackoff}, capped at {@code maxBackoff}. */
    Duration backoff(int attempts) {
        int doublings = Math.max(0, Math.min(attempts - 1, 30));
        Duration d = firstBackoff.multipliedBy(1L << doublings);
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }
}
