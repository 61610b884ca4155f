package city.onestop.billing.web;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.billing.BillingError;
import city.onestop.billing.Utility;
import city.onestop.platform.ProblemException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Each billing domain error answers with the status, code and title docs/billing.md promises (and the detail it carries). */
class BillingProblemsTests {

    record Expected(BillingError error, int status, String code, String title) {}

    static final UUID ID = UUID.fromString("00000000-0000-0000-0000-000000000001");

    static final List<Expected> ALL = List.of(
            new Expected(new BillingError.BillNotFound(ID), 404, "NOT_FOUND", "Not found"),
            new Expected(new BillingError.PaymentNotFound(ID), 404, "NOT_FOUND", "Not found"),
            new Expected(new BillingError.ReceiptNotFound("RC1"), 404, "NOT_FOUND", "Not found"),
            new Expected(new BillingError.AccountNotFound("WATER W-1"), 404, "NOT_FOUND", "Not found"),
            new Expected(new BillingError.BillLookupsLimited("20 a day", 60), 429, "BILL_LOOKUPS_LIMITED", "Too many requests"),
            new Expected(new BillingError.AccountExists(), 409, "ACCOUNT_EXISTS", "Conflict"),
            new Expected(new BillingError.InvalidChannel("channel must be one of"), 400, "INVALID_CHANNEL", "Bad request"),
            new Expected(new BillingError.BillAlreadyPaid(), 409, "BILL_ALREADY_PAID", "Conflict"),
            new Expected(new BillingError.PaymentInProgress("in progress"), 409, "PAYMENT_IN_PROGRESS", "Conflict"),
            new Expected(new BillingError.NothingToPay(), 409, "NOTHING_TO_PAY", "Conflict"),
            new Expected(new BillingError.AmountMismatch(6883), 422, "AMOUNT_MISMATCH", "Amount mismatch"),
            new Expected(new BillingError.BillNotPayable("CANCELLED"), 409, "BILL_NOT_PAYABLE", "Conflict"),
            new Expected(new BillingError.ProviderUnavailable("down"), 503, "PROVIDER_UNAVAILABLE", "Payment provider unavailable"),
            new Expected(new BillingError.InvalidAmount("at least 0.01"), 400, "INVALID_AMOUNT", "Bad request"),
            new Expected(new BillingError.RefundExceedsPayment(100), 422, "REFUND_EXCEEDS_PAYMENT", "Refund too large"),
            new Expected(new BillingError.PaymentNotRefundable("FAILED"), 409, "PAYMENT_NOT_REFUNDABLE", "Conflict"),
            new Expected(new BillingError.RefundKeyReused(), 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key reused"),
            new Expected(new BillingError.InvalidReading("required"), 400, "INVALID_READING", "Bad request"),
            new Expected(new BillingError.InvalidBatch("1 to 10000"), 400, "INVALID_BATCH", "Bad request"),
            new Expected(new BillingError.PeriodInFuture("later"), 422, "PERIOD_IN_FUTURE", "Period in the future"),
            new Expected(new BillingError.ReadingBelowPrevious("1", "2"), 422, "READING_BELOW_PREVIOUS", "Reading below previous"),
            new Expected(new BillingError.ReadingExists("2026-10"), 409, "READING_EXISTS", "Conflict"),
            new Expected(new BillingError.ReadingRejected(3, new BillingError.ReadingExists("2026-10")), 409, "READING_EXISTS",
                    "Conflict"),
            new Expected(new BillingError.NoTariffInForce(Utility.WATER, "2026-10"), 422, "NO_TARIFF_IN_FORCE", "No tariff in force"),
            new Expected(new BillingError.InvalidStatus("ACTIVE, PAID"), 400, "INVALID_STATUS", "Bad request"),
            new Expected(new BillingError.BillNotCancellable("PAID"), 409, "BILL_NOT_CANCELLABLE", "Conflict"),
            new Expected(new BillingError.InvalidTariff("bands"), 400, "INVALID_TARIFF", "Invalid tariff"),
            new Expected(new BillingError.InvalidPeriod(), 400, "INVALID_PERIOD", "Bad request"),
            new Expected(new BillingError.ImportInvalid("1 row(s) are invalid; nothing was imported", List.of()), 422,
                    "IMPORT_INVALID", "Import rejected"),
            new Expected(new BillingError.LinkAccountNotFound(Utility.WATER), 404, "ACCOUNT_NOT_FOUND", "Not found"),
            new Expected(new BillingError.InvalidLinkCode(), 400, "VALIDATION_FAILED", "Validation failed"),
            new Expected(new BillingError.LinkVerificationNotFound(ID), 404, "LINK_VERIFICATION_NOT_FOUND", "Not found"),
            new Expected(new BillingError.LinkVerificationClosed("confirmed"), 409, "LINK_VERIFICATION_CLOSED", "Conflict"),
            new Expected(new BillingError.LinkCodeExpired(), 410, "LINK_CODE_EXPIRED", "Code expired"),
            new Expected(new BillingError.LinkCodeInvalid(4), 422, "LINK_CODE_INVALID", "Wrong code"),
            new Expected(new BillingError.LinkAttemptsLocked(3600), 429, "LINK_ATTEMPTS_LOCKED", "Too many requests"),
            new Expected(new BillingError.LinkCodesExhausted(3600), 429, "LINK_CODES_EXHAUSTED", "Too many requests"),
            new Expected(new BillingError.LinkApprovalUnavailable(), 422, "LINK_APPROVAL_UNAVAILABLE", "Approval not possible"),
            new Expected(new BillingError.LinkVerificationUnavailable(), 422, "LINK_VERIFICATION_UNAVAILABLE",
                    "Verification not possible"),
            new Expected(new BillingError.LinkSmsRejected(), 422, "SMS_REJECTED", "Code not sent"),
            new Expected(new BillingError.LinkSmsUnavailable(), 503, "SMS_UNAVAILABLE", "Code not sent"),
            new Expected(new BillingError.LinkRequestNotFound(ID), 404, "LINK_REQUEST_NOT_FOUND", "Not found"),
            new Expected(new BillingError.LinkNotFound(ID, ID), 404, "LINK_NOT_FOUND", "Not found"));

    @Test
    void everyDomainErrorIsMapped() {
        List<Class<?>> mapped = ALL.stream().<Class<?>>map(e -> e.error().getClass()).distinct().toList();
        assertThat(mapped).containsExactlyInAnyOrderElementsOf(Arrays.asList(BillingError.class.getPermittedSubclasses()));
    }

    @Test
    void eachErrorAnswersItsStatusCodeAndTitleWithItsMessageAsDetail() {
        for (Expected e : ALL) {
            ProblemException p = BillingProblems.problem(e.error());
            assertThat(p.status().value()).as(e.code()).isEqualTo(e.status());
            assertThat(p.code()).isEqualTo(e.code());
            assertThat(p.title()).isEqualTo(e.title());
            assertThat(p.getMessage()).isEqualTo(e.error().getMessage());
        }
    }

    @Test
    void aRejectedReadingNamesItsIndexInTheDetailAndAsAMember() {
        ProblemException p = BillingProblems.problem(new BillingError.ReadingRejected(2, new BillingError.ReadingExists("2026-10")));
        assertThat(p.getMessage()).isEqualTo("readings[2]: The account already has a reading for 2026-10");
        assertThat(p.extra()).isEqualTo(Map.of("index", 2));
        ProblemException platform = BillingProblems.problem(new BillingError.ReadingRejected(0,
                ProblemException.badRequest("INVALID_PERIOD", "period must be a month")));
        assertThat(platform.code()).isEqualTo("INVALID_PERIOD");
        assertThat(platform.getMessage()).isEqualTo("readings[0]: period must be a month");
    }

    @Test
    void aLimitedLookupSaysWhenToComeBack() {
        assertThat(BillingProblems.problem(new BillingError.BillLookupsLimited("20 a day", 60)).extra())
                .isEqualTo(Map.of("retryAfterSeconds", 60L));
    }

    @Test
    void anAmountMismatchNamesTheTotal() {
        assertThat(new BillingError.AmountMismatch(6883).getMessage()).isEqualTo(
                "The amount must be the bill total 68.83 (partial payments are not supported); send {} to pay the full amount");
    }

    @Test
    void linkingAnswersCarryTheirMembers() {
        assertThat(BillingProblems.problem(new BillingError.LinkCodeInvalid(0)).getMessage())
                .isEqualTo("The code is wrong; request a new one");
        assertThat(BillingProblems.problem(new BillingError.LinkCodeInvalid(2)).extra()).isEqualTo(Map.of("remainingAttempts", 2));
        assertThat(BillingProblems.problem(new BillingError.LinkAttemptsLocked(90)).extra()).isEqualTo(Map.of("retryAfterSeconds", 90L));
        assertThat(BillingProblems.problem(new BillingError.LinkSmsUnavailable()).extra()).isEqualTo(Map.of("retryAfterSeconds", 60L));
        assertThat(BillingProblems.problem(new BillingError.InvalidLinkCode()).extra()).isEqualTo(Map.of("errors",
                List.of(Map.of("field", "code", "message", "must be the 6 digits of the text message"))));
    }

    @Test
    void aRejectedImportNamesItsRows() {
        List<Map<String, Object>> errors = List.of(Map.of("line", 2, "field", "utility", "message", "must be WATER or ELECTRICITY"));
        assertThat(BillingProblems.problem(new BillingError.ImportInvalid("1 row(s) are invalid; nothing was imported", errors))
                .extra()).isEqualTo(Map.of("errors", errors));
        assertThat(BillingProblems.problem(new BillingError.ImportInvalid("The file is empty", List.of())).extra()).isEmpty();
    }
}
