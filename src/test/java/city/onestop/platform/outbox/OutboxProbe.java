package city.onestop.platform.outbox;

import java.time.OffsetDateTime;

/**
 * Test-only event. {@code failTimes}: how many deliveries to each consumer fail before one succeeds;
 * {@code holdMillis}: how long a consumer holds a delivery after writing its effect (so a stop lands mid-delivery).
 */
public record OutboxProbe(String run, int n, int failTimes, long holdMillis, OffsetDateTime at) {}
