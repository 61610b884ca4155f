package city.onestop.billing.account;

import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code onestop.billing.*}: the zone billing periods are counted in, how long after generation a bill is
 * due, and the late fee policy (only {@code NONE} is implemented: no fee).
 */
@ConfigurationProperties("onestop.billing")
public record BillingSettings(ZoneId zone, Duration dueAfter, String lateFeePolicy) {

    public BillingSettings {
        zone = zone == null ? ZoneId.of("Asia/Shanghai") : zone;
        dueAfter = dueAfter == null ? Duration.ofDays(15) : dueAfter;
        lateFeePolicy = lateFeePolicy == null ? "NONE" : lateFeePolicy;
        if (!"NONE".equals(lateFeePolicy)) {
            throw new IllegalArgumentException("onestop.billing.late-fee-policy: only NONE is supported");
        }
    }
}
