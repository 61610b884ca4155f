package city.onestop.platform;

import java.time.Instant;

/** The provider accepted one message: its id for support requests, and when it accepted it. */
public record SmsReceipt(String providerMessageId, Instant acceptedAt) {}
