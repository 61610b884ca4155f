package city.onestop.billing.provider;

import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * The payment provider, reached over HTTP. Our payment id is the provider's idempotency key and merchant
 * reference, so a repeated charge request for one payment can never charge twice, and a payment whose
 * outcome we missed can be looked up.
 */
public interface PaymentProvider {

    /**
     * Asks the provider to charge. Fails with {@link ProviderUnavailable} when the request was certainly not
     * sent (circuit open, bulkhead full) and with {@link OutcomeUnknown} when it may have been (timeout, 5xx,
     * broken connection): the caller must then not charge again but find out later.
     */
    Mono<ProviderPayment> charge(ChargeRequest request);

    /** What the provider knows about our payment; empty when it never received it. */
    Mono<ProviderPayment> find(UUID paymentId);

    /** Refunds part or all of a captured payment; {@code refundId} is the idempotency key. */
    Mono<Void> refund(UUID paymentId, UUID refundId, long amountFen);

    record ChargeRequest(UUID paymentId, long amountFen, String currency, String channel, String callbackUrl) {}

    enum Status {
        SUCCEEDED,
        PENDING,
        DECLINED
    }

    record ProviderPayment(String providerReference, Status status, long amountFen, String currency) {}

    /** The request was not sent: nothing was charged. */
    final class ProviderUnavailable extends RuntimeException {
        public ProviderUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The request may have reached the provider: the outcome must be looked up, never retried as a new charge. */
    final class OutcomeUnknown extends RuntimeException {
        public OutcomeUnknown(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
