package city.onestop.billing.payment;

import city.onestop.billing.Money;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A payment as the API shows it; {@code receiptNumber} once it succeeded. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PaymentView(
        UUID id, UUID billId, UUID accountId, String status, Money amount, String channel, String receiptNumber,
        Money refunded, String failureReason, OffsetDateTime createdAt, OffsetDateTime updatedAt) {}
