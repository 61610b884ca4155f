package city.onestop.billing.payment;

import city.onestop.billing.Money;
import city.onestop.billing.Utility;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Proof of a successful payment. */
public record ReceiptView(
        String receiptNumber, UUID paymentId, UUID billId, UUID accountId, Utility utility, String accountNumber, String period,
        Money amount, String channel, OffsetDateTime issuedAt) {}
