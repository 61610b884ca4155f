package city.onestop.billing.web;

import city.onestop.billing.BillingError;
import city.onestop.billing.BillingError.AccountExists;
import city.onestop.billing.BillingError.AccountNotFound;
import city.onestop.billing.BillingError.AmountMismatch;
import city.onestop.billing.BillingError.BillAlreadyPaid;
import city.onestop.billing.BillingError.BillLookupsLimited;
import city.onestop.billing.BillingError.BillNotCancellable;
import city.onestop.billing.BillingError.BillNotFound;
import city.onestop.billing.BillingError.BillNotPayable;
import city.onestop.billing.BillingError.InvalidAmount;
import city.onestop.billing.BillingError.InvalidBatch;
import city.onestop.billing.BillingError.InvalidChannel;
import city.onestop.billing.BillingError.InvalidReading;
import city.onestop.billing.BillingError.InvalidStatus;
import city.onestop.billing.BillingError.InvalidLinkCode;
import city.onestop.billing.BillingError.InvalidTariff;
import city.onestop.billing.BillingError.LinkAccountNotFound;
import city.onestop.billing.BillingError.LinkApprovalUnavailable;
import city.onestop.billing.BillingError.LinkAttemptsLocked;
import city.onestop.billing.BillingError.LinkCodeExpired;
import city.onestop.billing.BillingError.LinkCodeInvalid;
import city.onestop.billing.BillingError.LinkCodesExhausted;
import city.onestop.billing.BillingError.LinkNotFound;
import city.onestop.billing.BillingError.LinkRequestNotFound;
import city.onestop.billing.BillingError.LinkSmsRejected;
import city.onestop.billing.BillingError.LinkSmsUnavailable;
import city.onestop.billing.BillingError.LinkVerificationClosed;
import city.onestop.billing.BillingError.LinkVerificationNotFound;
import city.onestop.billing.BillingError.LinkVerificationUnavailable;
import city.onestop.billing.BillingError.NoTariffInForce;
import city.onestop.billing.BillingError.NothingToPay;
import city.onestop.billing.BillingError.PaymentInProgress;
import city.onestop.billing.BillingError.PaymentNotFound;
import city.onestop.billing.BillingError.PaymentNotRefundable;
import city.onestop.billing.BillingError.PeriodInFuture;
import city.onestop.billing.BillingError.ProviderUnavailable;
import city.onestop.billing.BillingError.ReadingBelowPrevious;
import city.onestop.billing.BillingError.ReadingExists;
import city.onestop.billing.BillingError.ReadingRejected;
import city.onestop.billing.BillingError.ReceiptNotFound;
import city.onestop.billing.BillingError.RefundExceedsPayment;
import city.onestop.billing.BillingError.RefundKeyReused;
import city.onestop.platform.ProblemException;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Billing's domain errors as problem+json: status, {@code code} and title per error, the error's message as the detail
 * (the public contract of docs/billing.md; the platform's handler writes, localizes and adds {@code requestId}). Every
 * billing controller passes what its use cases answer through {@link #mapped}; as a {@link WebExceptionHandler} ordered
 * just before the platform's, it also answers a billing error that reaches the edge any other way (an input parser
 * called outside {@code mapped}), as booking's and citizen's handlers do (decision 0604), rather than a 500.
 */
@Component
@Order(-3)
class BillingProblems implements WebExceptionHandler {

    BillingProblems() {}

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        return Mono.error(ex instanceof BillingError error ? problem(error) : ex);
    }

    static <T> Mono<T> mapped(Mono<T> answer) {
        return answer.onErrorMap(BillingError.class, BillingProblems::problem);
    }

    static <T> Flux<T> mapped(Flux<T> answer) {
        return answer.onErrorMap(BillingError.class, BillingProblems::problem);
    }

    static ProblemException problem(BillingError e) {
        String detail = e.getMessage();
        if (e instanceof ReadingRejected r) {
            ProblemException inner = r.reason() instanceof BillingError b ? problem(b)
                    : r.reason() instanceof ProblemException p ? p : null;
            if (inner == null) {
                throw r.reason();
            }
            return new ProblemException(inner.status(), inner.code(), inner.title(), detail, Map.of("index", r.index()));
        }
        if (e instanceof BillNotFound || e instanceof PaymentNotFound || e instanceof ReceiptNotFound
                || e instanceof AccountNotFound) {
            return new ProblemException(HttpStatus.NOT_FOUND, "NOT_FOUND", "Not found", detail);
        }
        if (e instanceof InvalidChannel) return badRequest("INVALID_CHANNEL", detail);
        if (e instanceof InvalidAmount) return badRequest("INVALID_AMOUNT", detail);
        if (e instanceof InvalidReading) return badRequest("INVALID_READING", detail);
        if (e instanceof InvalidBatch) return badRequest("INVALID_BATCH", detail);
        if (e instanceof InvalidStatus) return badRequest("INVALID_STATUS", detail);
        if (e instanceof BillingError.InvalidPeriod) return badRequest("INVALID_PERIOD", detail);
        if (e instanceof BillingError.ImportInvalid invalid) {
            return new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "IMPORT_INVALID", "Import rejected", detail,
                    invalid.errors().isEmpty() ? Map.of() : Map.of("errors", invalid.errors()));
        }
        if (e instanceof InvalidTariff) {
            return new ProblemException(HttpStatus.BAD_REQUEST, "INVALID_TARIFF", "Invalid tariff", detail);
        }
        if (e instanceof BillLookupsLimited limited) {
            return ProblemException.tooManyRequests("BILL_LOOKUPS_LIMITED", detail, limited.retryAfterSeconds());
        }
        if (e instanceof AccountExists) return conflict("ACCOUNT_EXISTS", detail);
        if (e instanceof BillAlreadyPaid) return conflict("BILL_ALREADY_PAID", detail);
        if (e instanceof PaymentInProgress) return conflict("PAYMENT_IN_PROGRESS", detail);
        if (e instanceof NothingToPay) return conflict("NOTHING_TO_PAY", detail);
        if (e instanceof BillNotPayable) return conflict("BILL_NOT_PAYABLE", detail);
        if (e instanceof BillNotCancellable) return conflict("BILL_NOT_CANCELLABLE", detail);
        if (e instanceof PaymentNotRefundable) return conflict("PAYMENT_NOT_REFUNDABLE", detail);
        if (e instanceof ReadingExists) return conflict("READING_EXISTS", detail);
        if (e instanceof AmountMismatch) return unprocessable("AMOUNT_MISMATCH", "Amount mismatch", detail);
        if (e instanceof RefundExceedsPayment) return unprocessable("REFUND_EXCEEDS_PAYMENT", "Refund too large", detail);
        if (e instanceof PeriodInFuture) return unprocessable("PERIOD_IN_FUTURE", "Period in the future", detail);
        if (e instanceof ReadingBelowPrevious) return unprocessable("READING_BELOW_PREVIOUS", "Reading below previous", detail);
        if (e instanceof NoTariffInForce) return unprocessable("NO_TARIFF_IN_FORCE", "No tariff in force", detail);
        if (e instanceof RefundKeyReused) return unprocessable("IDEMPOTENCY_KEY_REUSED", "Idempotency-Key reused", detail);
        if (e instanceof ProviderUnavailable) {
            return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "PROVIDER_UNAVAILABLE", "Payment provider unavailable", detail);
        }
        ProblemException linking = linkingProblem(e, detail);
        if (linking != null) return linking;
        throw new IllegalStateException("Unmapped billing error " + e.getClass().getName(), e);
    }

    /** Linking's codes (docs/billing.md, "Linking"), each with its own title; null for an error that is not linking's. */
    private static @Nullable ProblemException linkingProblem(BillingError e, String detail) {
        if (e instanceof LinkAccountNotFound) {
            return new ProblemException(HttpStatus.NOT_FOUND, "ACCOUNT_NOT_FOUND", "Not found", detail);
        }
        if (e instanceof LinkVerificationNotFound) {
            return new ProblemException(HttpStatus.NOT_FOUND, "LINK_VERIFICATION_NOT_FOUND", "Not found", detail);
        }
        if (e instanceof LinkRequestNotFound) {
            return new ProblemException(HttpStatus.NOT_FOUND, "LINK_REQUEST_NOT_FOUND", "Not found", detail);
        }
        if (e instanceof LinkNotFound) {
            return new ProblemException(HttpStatus.NOT_FOUND, "LINK_NOT_FOUND", "Not found", detail);
        }
        if (e instanceof InvalidLinkCode) {
            return new ProblemException(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "Validation failed", detail,
                    Map.of("errors", List.of(Map.of("field", "code", "message", "must be the 6 digits of the text message"))));
        }
        if (e instanceof LinkVerificationClosed) return conflict("LINK_VERIFICATION_CLOSED", detail);
        if (e instanceof LinkCodeExpired) {
            return new ProblemException(HttpStatus.GONE, "LINK_CODE_EXPIRED", "Code expired", detail);
        }
        if (e instanceof LinkCodeInvalid wrong) {
            return new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "LINK_CODE_INVALID", "Wrong code", detail,
                    Map.of("remainingAttempts", wrong.remainingAttempts()));
        }
        if (e instanceof LinkAttemptsLocked locked) {
            return ProblemException.tooManyRequests("LINK_ATTEMPTS_LOCKED", detail, locked.retryAfterSeconds());
        }
        if (e instanceof LinkCodesExhausted exhausted) {
            return ProblemException.tooManyRequests("LINK_CODES_EXHAUSTED", detail, exhausted.retryAfterSeconds());
        }
        if (e instanceof LinkApprovalUnavailable) {
            return unprocessable("LINK_APPROVAL_UNAVAILABLE", "Approval not possible", detail);
        }
        if (e instanceof LinkVerificationUnavailable) {
            return unprocessable("LINK_VERIFICATION_UNAVAILABLE", "Verification not possible", detail);
        }
        if (e instanceof LinkSmsRejected) return unprocessable("SMS_REJECTED", "Code not sent", detail);
        if (e instanceof LinkSmsUnavailable) {
            return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "SMS_UNAVAILABLE", "Code not sent", detail,
                    Map.of("retryAfterSeconds", 60L));
        }
        return null;
    }

    private static ProblemException badRequest(String code, String detail) {
        return new ProblemException(HttpStatus.BAD_REQUEST, code, "Bad request", detail);
    }

    private static ProblemException conflict(String code, String detail) {
        return new ProblemException(HttpStatus.CONFLICT, code, "Conflict", detail);
    }

    private static ProblemException unprocessable(String code, String title, String detail) {
        return new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, code, title, detail);
    }
}
