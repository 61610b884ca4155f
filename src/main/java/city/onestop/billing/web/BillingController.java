package city.onestop.billing.web;

import city.onestop.platform.Page;
import city.onestop.billing.Utility;
import city.onestop.billing.account.AccountService;
import city.onestop.billing.account.AccountView;
import city.onestop.billing.account.Bills;
import city.onestop.billing.account.BillView;
import city.onestop.billing.account.PayForOthers;
import city.onestop.billing.payment.Payments;
import city.onestop.billing.payment.PaymentView;
import city.onestop.billing.payment.ReceiptView;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.Idempotency;
import city.onestop.platform.ProblemException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** What a citizen does with their utility accounts: link them, read bills, pay once, keep receipts. */
@RestController
@RequestMapping("/api/v1/billing")
@Tag(name = "Billing", description = "Water and electricity accounts, bills, payments and receipts of the signed-in citizen")
class BillingController {

    private final AccountService accounts;
    private final Bills bills;
    private final Payments payments;
    private final PayForOthers payForOthers;

    BillingController(AccountService accounts, Bills bills, Payments payments, PayForOthers payForOthers) {
        this.accounts = accounts;
        this.bills = bills;
        this.payments = payments;
        this.payForOthers = payForOthers;
    }

    /** An account number as printed on a paper bill, and its utility. */
    record BillLookupRequest(Utility utility, String accountNumber) {

        /** Checked by hand, as the link request is (no Bean Validation message bundle read on the event loop). */
        void check() {
            List<Map<String, Object>> errors = new ArrayList<>();
            if (utility == null) {
                errors.add(Map.of("field", "utility", "message", "must be WATER or ELECTRICITY"));
            }
            if (accountNumber == null || accountNumber.isBlank() || accountNumber.strip().length() > 32) {
                errors.add(Map.of("field", "accountNumber", "message", "is required (at most 32 characters)"));
            }
            if (!errors.isEmpty()) {
                throw new ProblemException(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "Validation failed",
                        "The request has invalid fields", Map.of("errors", errors));
            }
        }
    }

    @PostMapping("/bill-lookups")
    @Operation(operationId = "lookUpBillsToPay",
            summary = "Find the open bills of an account by the number on its paper bill, to pay them for someone else "
                    + "(a parent's) without linking it: amount, period and due date, the holder's name masked, no history. "
                    + "The bills shown can then be paid with payBill for 24 hours. At most 20 lookups per citizen a day (429 "
                    + "BILL_LOOKUPS_LIMITED); every lookup is audited.")
    Mono<PayForOthers.PayableBills> lookUpBills(@RequestBody BillLookupRequest request) {
        return BillingProblems.mapped(Mono.fromRunnable(request::check)
                .then(CurrentUser.get())
                .flatMap(u -> payForOthers.lookUp(u.id(), request.utility(), request.accountNumber().strip())));
    }

    @GetMapping("/accounts")
    @Operation(operationId = "listMyUtilityAccounts", summary = "My linked utility accounts with their balance due")
    Mono<Map<String, List<AccountView>>> listAccounts() {
        return BillingProblems.mapped(CurrentUser.get().flatMap(u -> accounts.listLinked(u.id()).collectList()))
                .map(items -> Map.of("items", items));
    }

    @GetMapping("/accounts/{accountId}/payments")
    @Operation(operationId = "listAccountPayments", summary = "Payment history of one of my accounts (all family members), newest first")
    Mono<Page<PaymentView>> accountPayments(@PathVariable UUID accountId, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return BillingProblems.mapped(CurrentUser.get().flatMap(u -> payments.accountHistory(u.id(), accountId, limit, cursor)));
    }

    @GetMapping("/bills")
    @Operation(operationId = "listMyBills", summary = "Bills of my linked accounts, newest period first")
    Mono<Page<BillView>> listBills(@RequestParam(required = false) String status, @RequestParam(required = false) UUID accountId,
            @RequestParam(required = false) String period, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return BillingProblems.mapped(CurrentUser.get().flatMap(u -> bills.listLinked(u.id(), status, accountId, period, limit, cursor)));
    }

    @GetMapping("/bills/{billId}")
    @Operation(operationId = "getMyBill", summary = "One bill with its lines: band, units, unit price, amount")
    Mono<BillView> getBill(@PathVariable UUID billId) {
        return BillingProblems.mapped(CurrentUser.get().flatMap(u -> bills.getLinked(u.id(), billId)));
    }

    @PostMapping("/bills/{billId}/payments")
    @Operation(operationId = "payBill",
            summary = "Pay a bill once (requires Idempotency-Key; a retry with the same key replays the first response)",
            responses = @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "201",
                    description = "Paid; a retry with the same key gets the same answer with Idempotent-Replayed: true",
                    content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                            schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = PaymentView.class))))
    Mono<ResponseEntity<Object>> pay(@PathVariable UUID billId,
            // Required, but checked by Idempotency so that a missing key is the documented IDEMPOTENCY_KEY_MISSING.
            @io.swagger.v3.oas.annotations.Parameter(name = Idempotency.HEADER, required = true,
                    description = "A UUID generated once per intended payment; a retry with the same key replays the first response")
            @RequestHeader(name = Idempotency.HEADER, required = false) String key,
            @RequestBody(required = false) Payments.PayRequest body) {
        return BillingProblems.mapped(CurrentUser.get().flatMap(u -> payments.pay(u.id(), billId, key, body)));
    }

    @GetMapping("/payments/{paymentId}")
    @Operation(operationId = "getMyPayment", summary = "One payment; a PENDING or UNKNOWN one is refreshed from the provider")
    Mono<PaymentView> getPayment(@PathVariable UUID paymentId) {
        return BillingProblems.mapped(CurrentUser.get().flatMap(u -> payments.get(u.id(), paymentId)));
    }

    @GetMapping("/payments")
    @Operation(operationId = "listMyPayments", summary = "Payments I made, newest first")
    Mono<Page<PaymentView>> listPayments(@RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        return BillingProblems.mapped(CurrentUser.get().flatMap(u -> payments.history(u.id(), limit, cursor)));
    }

    @GetMapping("/receipts/{receiptNumber}")
    @Operation(operationId = "getReceipt", summary = "A receipt of a payment on one of my accounts")
    Mono<ReceiptView> receipt(@PathVariable String receiptNumber) {
        return BillingProblems.mapped(CurrentUser.get().flatMap(u -> payments.receipt(u.id(), receiptNumber)));
    }
}
