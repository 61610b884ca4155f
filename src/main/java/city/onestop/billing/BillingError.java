package city.onestop.billing;

import java.util.UUID;

/**
 * What billing refuses, as domain errors. The use cases and repositories raise them and know nothing of HTTP; billing's
 * {@code web/} maps each to its problem+json (status, stable {@code code}, title). The message is the problem's detail,
 * so the answers stay word for word what they were when the stores built the problems themselves.
 */
public abstract sealed class BillingError extends RuntimeException {

    BillingError(String detail) {
        super(detail, null, false, false);
    }

    // ------------------------------------------------------------------ not found (404 NOT_FOUND)

    public static final class BillNotFound extends BillingError {
        public BillNotFound(UUID billId) {
            super("Bill " + billId + " does not exist");
        }
    }

    public static final class PaymentNotFound extends BillingError {
        public PaymentNotFound(UUID paymentId) {
            super("Payment " + paymentId + " does not exist");
        }
    }

    public static final class ReceiptNotFound extends BillingError {
        public ReceiptNotFound(String receiptNumber) {
            super("Receipt " + receiptNumber + " does not exist");
        }
    }

    /** An account the caller cannot see, or no account with that utility and number ({@code NOT_FOUND}, not linking's code). */
    public static final class AccountNotFound extends BillingError {
        public AccountNotFound(String account) {
            super("Account " + account + " does not exist");
        }
    }

    public static final class AccountExists extends BillingError {
        public AccountExists() {
            super("An account with this utility and account number already exists");
        }
    }

    /** A citizen used up their bill lookups for the day; they may look again after {@code retryAfterSeconds}. */
    public static final class BillLookupsLimited extends BillingError {
        private final long retryAfterSeconds;

        public BillLookupsLimited(String detail, long retryAfterSeconds) {
            super(detail);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    // ------------------------------------------------------------------ paying

    public static final class InvalidChannel extends BillingError {
        public InvalidChannel(String detail) {
            super(detail);
        }
    }

    public static final class BillAlreadyPaid extends BillingError {
        public BillAlreadyPaid() {
            super("This bill is already paid");
        }
    }

    public static final class PaymentInProgress extends BillingError {
        public PaymentInProgress(String detail) {
            super(detail);
        }
    }

    public static final class NothingToPay extends BillingError {
        public NothingToPay() {
            super("This bill's total is 0.00");
        }
    }

    public static final class AmountMismatch extends BillingError {
        public AmountMismatch(long totalFen) {
            super("The amount must be the bill total " + Money.ofFen(totalFen).amount() + " (partial payments "
                    + "are not supported); send {} to pay the full amount");
        }
    }

    /** A CANCELLED or EXPIRED bill. */
    public static final class BillNotPayable extends BillingError {
        public BillNotPayable(String status) {
            super("This bill is " + status + " and cannot be paid");
        }
    }

    /** The provider was certainly not asked (circuit open, bulkhead full): nothing was charged or refunded. */
    public static final class ProviderUnavailable extends BillingError {
        public ProviderUnavailable(String detail) {
            super(detail);
        }
    }

    // ------------------------------------------------------------------ refunding

    public static final class InvalidAmount extends BillingError {
        public InvalidAmount(String detail) {
            super(detail);
        }
    }

    public static final class RefundExceedsPayment extends BillingError {
        public RefundExceedsPayment(long refundableFen) {
            super("At most " + Money.ofFen(refundableFen).amount() + " of this payment can still be refunded");
        }
    }

    public static final class PaymentNotRefundable extends BillingError {
        public PaymentNotRefundable(String status) {
            super("Only a SUCCEEDED payment can be refunded; this one is " + status);
        }
    }

    /**
     * The refund's Idempotency-Key already names a refund of another payment or amount (a retry whose first attempt
     * was released after the refund row was written): answered like any reused key.
     */
    public static final class RefundKeyReused extends BillingError {
        public RefundKeyReused() {
            super("This Idempotency-Key was already used for a different request");
        }
    }

    // ------------------------------------------------------------------ readings, bill runs, bills, tariffs

    public static final class InvalidReading extends BillingError {
        public InvalidReading(String detail) {
            super(detail);
        }
    }

    public static final class InvalidBatch extends BillingError {
        public InvalidBatch(String detail) {
            super(detail);
        }
    }

    public static final class PeriodInFuture extends BillingError {
        public PeriodInFuture(String detail) {
            super(detail);
        }
    }

    public static final class ReadingBelowPrevious extends BillingError {
        public ReadingBelowPrevious(String reading, String previous) {
            super("The reading " + reading + " is lower than the previous " + previous + "; only a RESET or REPLACED meter may go back");
        }
    }

    public static final class ReadingExists extends BillingError {
        public ReadingExists(String period) {
            super("The account already has a reading for " + period);
        }
    }

    /**
     * One reading of a batch was refused: the web layer answers as for {@code cause} (a BillingError or a platform
     * problem), its detail prefixed with {@code readings[index]: } and the index as a member.
     */
    public static final class ReadingRejected extends BillingError {
        private final int index;
        private final RuntimeException cause;

        public ReadingRejected(int index, RuntimeException cause) {
            super("readings[" + index + "]: " + cause.getMessage());
            this.index = index;
            this.cause = cause;
        }

        public int index() {
            return index;
        }

        public RuntimeException reason() {
            return cause;
        }
    }

    public static final class NoTariffInForce extends BillingError {
        public NoTariffInForce(Utility utility, String period) {
            super("No " + utility + " tariff is in force for " + period);
        }
    }

    public static final class InvalidStatus extends BillingError {
        public InvalidStatus(String detail) {
            super(detail);
        }
    }

    public static final class BillNotCancellable extends BillingError {
        public BillNotCancellable(String status) {
            super("This bill is " + status + "; only an ACTIVE bill can be cancelled");
        }
    }

    public static final class InvalidTariff extends BillingError {
        public InvalidTariff(String detail) {
            super(detail);
        }
    }
}
