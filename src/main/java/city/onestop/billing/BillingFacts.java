package city.onestop.billing;

import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * Small facts other modules (participation: routing a case, checking a rating) may ask billing, without reaching
 * into its tables. Every method is empty when there is no such thing.
 */
public interface BillingFacts {

    /** The utility of an account. */
    Mono<Utility> findAccountUtility(UUID accountId);

    /** The utility of a bill's account. */
    Mono<Utility> findBillUtility(UUID billId);

    /** The payment, if it exists. */
    Mono<PaymentFact> findPayment(UUID paymentId);

    /** {@code citizenId} paid; {@code status} is billing's (SUCCEEDED, PENDING, REFUNDED...). */
    record PaymentFact(UUID id, UUID citizenId, Utility utility, String status) {

        public boolean completed() {
            return "SUCCEEDED".equals(status);
        }
    }
}
