package city.onestop.billing;

import java.util.List;
import java.util.Map;
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

    /** A period that is not a month written {@code YYYY-MM}. */
    public static final class InvalidPeriod extends BillingError {
        public InvalidPeriod() {
            super("period must be a month written YYYY-MM, e.g. 2026-10");
        }
    }

    /** An operator's account import refused as a whole; {@code errors} names each bad row (line, field, message). */
    public static final class ImportInvalid extends BillingError {
        private final List<Map<String, Object>> errors;

        public ImportInvalid(String detail, List<Map<String, Object>> errors) {
            super(detail);
            this.errors = List.copyOf(errors);
        }

        public List<Map<String, Object>> errors() {
            return errors;
        }
    }

    public static final class InvalidTariff extends BillingError {
        public InvalidTariff(String detail) {
            super(detail);
        }
    }

    // ------------------------------------------------------------------ linking accounts (docs/billing.md, "Linking")

    /** No ACTIVE account with that utility and number, or the holder's name or ID ending do not match: one answer for both. */
    public static final class LinkAccountNotFound extends BillingError {
        public LinkAccountNotFound(Utility utility) {
            super("No " + utility + " account matches this account number and holder verification");
        }
    }

    /** The code of a link confirmation is not six digits. */
    public static final class InvalidLinkCode extends BillingError {
        public InvalidLinkCode() {
            super("The request has invalid fields");
        }
    }

    public static final class LinkVerificationNotFound extends BillingError {
        public LinkVerificationNotFound(UUID verificationId) {
            super("There is no link verification " + verificationId + " of yours");
        }
    }

    /** The verification takes no (more) codes: it waits for an approval, is decided, or its attempts are used up. */
    public static final class LinkVerificationClosed extends BillingError {
        public LinkVerificationClosed(String detail) {
            super(detail);
        }
    }

    public static final class LinkCodeExpired extends BillingError {
        public LinkCodeExpired() {
            super("This code has expired; request a new one");
        }
    }

    /** A wrong code; {@code remainingAttempts} more may be tried before the code is spent. */
    public static final class LinkCodeInvalid extends BillingError {
        private final int remainingAttempts;

        public LinkCodeInvalid(int remainingAttempts) {
            super(remainingAttempts > 0 ? "The code is wrong" : "The code is wrong; request a new one");
            this.remainingAttempts = remainingAttempts;
        }

        public int remainingAttempts() {
            return remainingAttempts;
        }
    }

    /** Too many failed link attempts on the account or by the citizen; locked for {@code retryAfterSeconds}. */
    public static final class LinkAttemptsLocked extends BillingError {
        private final long retryAfterSeconds;

        public LinkAttemptsLocked(long retryAfterSeconds) {
            super("Too many failed attempts to link this account or by you; try again later");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** Too many codes sent for the account or by the citizen today. */
    public static final class LinkCodesExhausted extends BillingError {
        private final long retryAfterSeconds;

        public LinkCodesExhausted(long retryAfterSeconds) {
            super("Too many codes were sent for this account or by you today; try again later");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** The holder does not use OneStop, so they cannot approve. */
    public static final class LinkApprovalUnavailable extends BillingError {
        public LinkApprovalUnavailable() {
            super("The holder of this account does not use OneStop; confirm by code instead");
        }
    }

    /** The utility has no phone on file for the holder, and approval was not possible either. */
    public static final class LinkVerificationUnavailable extends BillingError {
        public LinkVerificationUnavailable() {
            super("The utility has no phone number on file for this account's holder; ask the utility to add it, "
                    + "or link it from the holder's own OneStop account");
        }
    }

    /** The SMS provider refused the holder's phone on file. */
    public static final class LinkSmsRejected extends BillingError {
        public LinkSmsRejected() {
            super("The SMS provider refused the holder's phone number on file; ask the utility to correct it");
        }
    }

    /** Text messages cannot be sent right now; nothing is pending. */
    public static final class LinkSmsUnavailable extends BillingError {
        public LinkSmsUnavailable() {
            super("Text messages cannot be sent right now; try again in a minute");
        }
    }

    public static final class LinkRequestNotFound extends BillingError {
        public LinkRequestNotFound(UUID verificationId) {
            super("There is no open link request " + verificationId + " for an account you hold");
        }
    }

    public static final class LinkNotFound extends BillingError {
        public LinkNotFound(UUID accountId, UUID citizenId) {
            super("Citizen " + citizenId + " is not linked to an account you hold with id " + accountId);
        }
    }
}
