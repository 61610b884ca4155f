package city.onestop.billing.payment;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code onestop.billing.reconciler.*}: how often open payments are looked up, with exponential backoff
 * from {@code firstDelay} to {@code maxDelay}; a CREATED payment is only looked at after {@code createdGrace}
 * (its request is still running before that); a payment the provider never heard of is declared FAILED only
 * after {@code notFoundGrace}.
 */
@ConfigurationProperties("onestop.billing.reconciler")
public record ReconcilerSettings(
        Duration interval, Duration firstDelay, Duration maxDelay, Duration createdGrace, Duration notFoundGrace,
        Duration lease, int batchSize) {

    public ReconcilerSettings {
        interval = interval == null ? Duration.ofSeconds(5) : interval;
        firstDelay = firstDelay == null ? Duration.ofSeconds(5) : firstDelay;
        maxDelay = maxDelay == null ? Duration.ofMinutes(10) : maxDelay;
        createdGrace = createdGrace == null ? Duration.ofMinutes(1) : createdGrace;
        notFoundGrace = notFoundGrace == null ? Duration.ofMinutes(2) : notFoundGrace;
        lease = lease == null ? Duration.ofSeconds(30) : lease;
        batchSize = batchSize <= 0 ? 50 : batchSize;
    }

    Duration backoff(int attempts) {
        long factor = 1L << Math.min(attempts, 20);
        Duration d = firstDelay.multipliedBy(factor);
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }
}
