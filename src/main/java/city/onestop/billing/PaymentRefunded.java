package city.onestop.billing;

import java.util.UUID;

/** Published after the provider accepted a refund (recorded and committed); {@code citizenId} made the payment. */
public record PaymentRefunded(UUID refundId, UUID paymentId, UUID citizenId, Money amount) {}
