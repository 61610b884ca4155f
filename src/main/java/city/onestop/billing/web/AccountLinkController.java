package city.onestop.billing.web;

import city.onestop.billing.Utility;
import city.onestop.billing.account.AccountLinks;
import city.onestop.billing.account.AccountLinks.ApprovalRequestView;
import city.onestop.billing.account.AccountLinks.HeldAccountView;
import city.onestop.billing.account.AccountLinks.LinkResult;
import city.onestop.billing.account.AccountLinks.LinkVerificationView;
import city.onestop.billing.account.AccountLinks.Method;
import city.onestop.billing.account.AccountView;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.ProblemException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Linking utility accounts: the citizen who asks (by name and ID ending, then by code or the holder's approval)
 * and the holder who sees and revokes links (docs/billing.md, "Linking").
 */
@RestController
@RequestMapping(path = "/api/v1/billing", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Billing", description = "Water and electricity accounts, bills, payments and receipts of the signed-in citizen")
class AccountLinkController {

    private final AccountLinks links;

    AccountLinkController(AccountLinks links) {
        this.links = links;
    }

    record LinkRequest(Utility utility, String accountNumber, String holderName, String holderIdLast4,
            @Schema(description = "How to confirm when the account does not link at once: SMS_CODE (default when the "
                    + "utility has the holder's phone) or HOLDER_APPROVAL (the holder is a OneStop citizen)")
            @Nullable Method verification) {

        /**
         * Checked by hand rather than with Bean Validation: Hibernate Validator loads its message bundle from a
         * jar on first use, a blocking read on the event loop.
         */
        void check() {
            List<Map<String, Object>> errors = new ArrayList<>();
            if (utility == null) {
                errors.add(Map.of("field", "utility", "message", "must be WATER or ELECTRICITY"));
            }
            if (accountNumber == null || accountNumber.isBlank() || accountNumber.length() > 32) {
                errors.add(Map.of("field", "accountNumber", "message", "is required (at most 32 characters)"));
            }
            if (holderName == null || holderName.isBlank() || holderName.length() > 200) {
                errors.add(Map.of("field", "holderName", "message", "is required (at most 200 characters)"));
            }
            if (holderIdLast4 == null || holderIdLast4.strip().length() != 4) {
                errors.add(Map.of("field", "holderIdLast4", "message", "must be the last 4 characters of the holder's ID number"));
            }
            if (!errors.isEmpty()) {
                throw new ProblemException(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "Validation failed",
                        "The request has invalid fields", Map.of("errors", errors));
            }
        }
    }

    record CodeRequest(String code) {}

    @PostMapping(path = "/accounts/links", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "linkUtilityAccount",
            summary = "Link a utility account: account number and the holder's name and last 4 ID characters; "
                    + "201 when the holder's ID is mine, else 202 with a verification (code sent to the holder's phone, "
                    + "or the holder's approval)")
    @ApiResponse(responseCode = "201", description = "Linked", content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
            schema = @Schema(implementation = AccountView.class)))
    @ApiResponse(responseCode = "202", description = "Waiting for the code or the holder's approval",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = LinkVerificationView.class)))
    Mono<ResponseEntity<Object>> link(@RequestBody LinkRequest body) {
        body.check();
        return BillingProblems.mapped(CurrentUser.get()
                .flatMap(u -> links.requestLink(u.id(), body.utility(), body.accountNumber(), body.holderName(), body.holderIdLast4(),
                        body.verification())))
                .map(result -> result instanceof LinkResult.Linked linked
                        ? ResponseEntity.status(HttpStatus.CREATED).body((Object) linked.account())
                        : ResponseEntity.status(HttpStatus.ACCEPTED).body((Object) ((LinkResult.Pending) result).verification()));
    }

    @GetMapping("/accounts/links/verifications/{verificationId}")
    @Operation(operationId = "getLinkVerification", summary = "One of my pending (or decided) link verifications")
    Mono<LinkVerificationView> verification(@PathVariable UUID verificationId) {
        return BillingProblems.mapped(CurrentUser.get().flatMap(u -> links.getVerification(u.id(), verificationId)));
    }

    @PostMapping(path = "/accounts/links/verifications/{verificationId}/code", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "confirmLinkCode",
            summary = "Confirm a link with the 6-digit code texted to the holder; 5 attempts per code, failures throttled")
    Mono<AccountView> confirm(@PathVariable UUID verificationId, @RequestBody(required = false) CodeRequest body) {
        return BillingProblems.mapped(CurrentUser.get().flatMap(u -> links.confirmCode(u.id(), verificationId, body == null ? null : body.code())));
    }

    @DeleteMapping("/accounts/{accountId}/link")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "unlinkUtilityAccount", summary = "Unlink one of my utility accounts")
    Mono<Void> unlink(@PathVariable UUID accountId) {
        return BillingProblems.mapped(CurrentUser.get().flatMap(u -> links.unlink(u.id(), accountId)));
    }

    @GetMapping("/link-requests")
    @Operation(operationId = "listLinkRequests", summary = "Requests to link accounts I hold, waiting for my approval")
    Mono<Map<String, List<ApprovalRequestView>>> linkRequests() {
        return BillingProblems.mapped(CurrentUser.get().flatMap(u -> links.listApprovalRequests(u.id()).collectList()))
                .map(items -> Map.of("items", items));
    }

    @PostMapping("/link-requests/{requestId}/approval")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "approveLinkRequest", summary = "Approve a request to link an account I hold")
    Mono<Void> approve(@PathVariable UUID requestId) {
        return BillingProblems.mapped(CurrentUser.get().flatMap(u -> links.decideApproval(u.id(), requestId, true)));
    }

    @PostMapping("/link-requests/{requestId}/refusal")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "refuseLinkRequest", summary = "Refuse a request to link an account I hold")
    Mono<Void> refuse(@PathVariable UUID requestId) {
        return BillingProblems.mapped(CurrentUser.get().flatMap(u -> links.decideApproval(u.id(), requestId, false)));
    }

    @GetMapping("/held-accounts")
    @Operation(operationId = "listHeldAccounts", summary = "Accounts I hold (my ID is the holder's) and who is linked to them")
    Mono<Map<String, List<HeldAccountView>>> held() {
        return BillingProblems.mapped(CurrentUser.get().flatMap(u -> links.listHeld(u.id()).collectList()))
                .map(items -> Map.of("items", items));
    }

    @DeleteMapping("/held-accounts/{accountId}/links/{citizenId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "revokeAccountLink", summary = "Remove someone's link to an account I hold; they are notified")
    Mono<Void> revoke(@PathVariable UUID accountId, @PathVariable UUID citizenId) {
        return BillingProblems.mapped(CurrentUser.get().flatMap(u -> links.revoke(u.id(), accountId, citizenId)));
    }
}
