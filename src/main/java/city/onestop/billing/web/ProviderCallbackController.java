package city.onestop.billing.web;

import city.onestop.billing.payment.PaymentTransitions;
import city.onestop.billing.payment.PaymentTransitions.Outcome;
import city.onestop.billing.provider.CallbackSignature;
import city.onestop.platform.ProblemException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The provider tells us a payment's final state. The provider has no citizen token: the HMAC signature over
 * the raw body is the authentication (bad or missing: 401). Duplicate and late callbacks are 200 no-ops,
 * because every transition only moves a payment out of an open state.
 */
@RestController
@Tag(name = "Billing provider callbacks", description = "Signed notifications from the payment provider")
class ProviderCallbackController {

    static final String PATH = "/api/v1/billing/provider-callbacks";
    private static final Logger log = LoggerFactory.getLogger(ProviderCallbackController.class);

    private final CallbackSignature signature;
    private final PaymentTransitions transitions;
    private final JsonMapper json;

    ProviderCallbackController(CallbackSignature signature, PaymentTransitions transitions, JsonMapper json) {
        this.signature = signature;
        this.transitions = transitions;
        this.json = json;
    }

    record Callback(String merchantReference, String providerReference, String status, Long amountFen, String currency) {}

    @PostMapping(PATH)
    @SecurityRequirements()
    @Operation(operationId = "receiveProviderCallback",
            summary = "Payment provider callback, signed with HMAC-SHA256 of the body in X-Provider-Signature")
    Mono<Map<String, Object>> callback(@RequestBody(required = false) byte[] body,
            @RequestHeader(name = CallbackSignature.HEADER, required = false) String sig) {
        if (body == null || !signature.verify(body, sig)) {
            return Mono.error(new ProblemException(HttpStatus.UNAUTHORIZED, "INVALID_SIGNATURE", "Invalid signature",
                    "The callback signature does not match its body"));
        }
        Callback cb;
        UUID paymentId;
        try {
            cb = json.readValue(body, Callback.class);
            paymentId = UUID.fromString(String.valueOf(cb.merchantReference()));
        } catch (RuntimeException e) {
            return Mono.error(ProblemException.badRequest("MALFORMED_BODY", "The callback is not a valid provider notification"));
        }
        Outcome outcome;
        switch (String.valueOf(cb.status())) {
            case "SUCCEEDED" -> {
                if (cb.amountFen() == null) {
                    return Mono.error(ProblemException.badRequest("MALFORMED_BODY", "amountFen is required for SUCCEEDED"));
                }
                outcome = new Outcome.Succeeded(cb.providerReference(), cb.amountFen());
            }
            case "DECLINED", "FAILED" -> outcome = new Outcome.Failed(cb.providerReference(), "DECLINED");
            case "PENDING" -> outcome = new Outcome.Pending(cb.providerReference());
            default -> {
                return Mono.error(ProblemException.badRequest("MALFORMED_BODY", "Unknown status " + cb.status()));
            }
        }
        UUID id = paymentId;
        return transitions.find(id)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Payment", id.toString())))
                .flatMap(before -> transitions.apply(id, outcome).map(after -> {
                    if (before.status().equals(after.status())) {
                        log.info("Provider callback for payment {} ({}) changed nothing: it is {}", id, cb.status(), after.status());
                    }
                    return Map.<String, Object>of("paymentId", id, "status", after.status());
                }));
    }
}
