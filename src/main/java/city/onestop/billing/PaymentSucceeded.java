package city.onestop.billing;

import java.util.UUID;

/** Published after a payment's success (and its bill's PAID status and receipt) committed; {@code citizenId} paid. */
public record PaymentSucceeded(UUID paymentId, UUID billId, UUID citizenId, Money amount, String receiptNumber) {}
