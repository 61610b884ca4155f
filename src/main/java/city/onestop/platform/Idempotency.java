package city.onestop.platform;

import java.util.UUID;
import java.util.function.Function;
import org.springframework.http.ResponseEntity;
import reactor.core.publisher.Mono;

/**
 * Makes a creating POST (a charge, a booking) happen at most once per citizen and {@code Idempotency-Key},
 * following the IETF Idempotency-Key draft: a missing key is 400 {@code IDEMPOTENCY_KEY_MISSING}; the same
 * key with a different request is 422 {@code IDEMPOTENCY_KEY_REUSED}; the same key while the first request
 * is still running is 409 {@code IDEMPOTENCY_IN_PROGRESS}; the same key after completion replays the stored
 * first response with {@code Idempotent-Replayed: true}. PostgreSQL holds the record: it is completed in the
 * same transaction as the business write, so either both happen or neither does. Keys live 24 h.
 *
 * <p>Single-transaction flows (a booking) use {@link #execute}. Flows with an outside call in the middle
 * (a payment) use {@link #claim}, then {@link #complete} inside their final transaction, or {@link #release}
 * when they fail having written nothing that a retry must see.
 */
public interface Idempotency {

    String HEADER = "Idempotency-Key";
    String REPLAYED_HEADER = "Idempotent-Replayed";

    /** Claims the key; a second claim of a completed key yields a {@link Claim.Replay}. */
    Mono<Claim> claim(IdempotentRequest request);

    /**
     * Stores the final response. Must run inside the caller's reactive transaction (it joins it), so the
     * record commits together with the business write.
     */
    Mono<Void> complete(Claim.Fresh claim, int status, Object body);

    /** Forgets an unfinished claim so that a retry with the same key runs again. */
    Mono<Void> release(Claim.Fresh claim);

    /**
     * Claim, run {@code action} and complete the record in one transaction, or replay. The action's
     * database writes join that transaction. On error the claim is released and the error propagates.
     */
    <T> Mono<ResponseEntity<Object>> execute(IdempotentRequest request, int successStatus, Function<Claim.Fresh, Mono<T>> action);

    /** The replayed response for a completed key. */
    static ResponseEntity<Object> replay(Claim.Replay replay) {
        return ResponseEntity.status(replay.status())
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .header(REPLAYED_HEADER, "true")
                .body(replay.body());
    }

    /**
     * What identifies a request: who sent it, the key they chose, and a fingerprint of what they asked (the
     * operation and its canonical body), so a reused key with another request is detected.
     */
    record IdempotentRequest(UUID principal, String key, String operation, Object body) {

        /** Validates the header value: missing or blank is 400, longer than 255 characters is 400. */
        public static IdempotentRequest of(UUID principal, String keyHeader, String operation, Object body) {
            if (keyHeader == null || keyHeader.isBlank()) {
                throw new ProblemException(org.springframework.http.HttpStatus.BAD_REQUEST, "IDEMPOTENCY_KEY_MISSING",
                        "Idempotency-Key required", "This request creates a charge or a booking: send an Idempotency-Key header "
                                + "(a UUID you generate once per intended operation) so that a retry never repeats it");
            }
            if (keyHeader.length() > 255) {
                throw ProblemException.badRequest("IDEMPOTENCY_KEY_INVALID", "Idempotency-Key must be at most 255 characters");
            }
            return new IdempotentRequest(principal, keyHeader.trim(), operation, body);
        }
    }

    sealed interface Claim {
        /** The key is ours to run. */
        record Fresh(UUID principal, String key) implements Claim {}

        /** The key already completed: send this response again. */
        record Replay(int status, String body) implements Claim {}
    }
}
