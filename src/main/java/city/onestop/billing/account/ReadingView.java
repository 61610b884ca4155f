package city.onestop.billing.account;

import city.onestop.billing.Utility;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A recorded meter reading and the usage it implies for its period. */
public record ReadingView(
        UUID id, UUID accountId, Utility utility, String accountNumber, String period, BigDecimal reading, BigDecimal usage,
        MeterStatus meterStatus, OffsetDateTime recordedAt) {}
