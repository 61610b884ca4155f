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
 * first response with {@code Idempotent-Replayed: true}. PostgreSQL holds the record, written in the same
 * transaction as the business write, so either both happen or neither does. Keys live 24 h (decision 0002).
 *
 * <p>Local actions (a booking, a hold, a reschedule, a refund, a filing) use {@link #execute}: one transaction
 * holds an advisory lock on the key, replays or refuses, runs the action and inserts the completed record; an
 * error or a cancelled request rolls all of it back, and there is nothing to release.
 *
 * <p>Actions with an outside call between two transactions (a payment) use {@link #claimed}: the claim is a
 * committed {@code IN_PROGRESS} record, completed ({@link #complete}) or failed ({@link #fail}) inside the
 * action's final transaction, and otherwise released by {@code Mono.usingWhen} cleanup, which also runs when the
 * request is cancelled.
 */
public interface Idempotency {

    String HEADER = "Idempotency-Key";
    String REPLAYED_HEADER = "Idempotent-Replayed";

    /**
     * Replay, refuse, or run {@code action} and store its result, all in one transaction that the action's
     * database writes join.
     */
    <T> Mono<ResponseEntity<Object>> execute(IdempotentRequest request, int successStatus, Function<Claim.Fresh, Mono<T>> action);

    /**
     * The stored response of a completed key (one read, no transaction), for a caller that can refuse the action
     * without running it (a booking of a slot known to be full): a replay must still answer as the first time did.
     * Empty if the key is unused or expired; 422 for the key used with another request.
     */
    Mono<ResponseEntity<Object>> findReplay(IdempotentRequest request);

    /**
     * Claims the key (committed at once), runs {@code flow} with the claim, and releases the claim if the flow
     * ends in an error or is cancelled before its final transaction completed or failed it. A completed key
     * replays without running the flow.
     */
    Mono<ResponseEntity<Object>> claimed(IdempotentRequest request, Function<Claim.Fresh, Mono<ResponseEntity<Object>>> flow);

    /**
     * Stores the final response of a {@link #claimed} flow. Must run inside the caller's reactive transaction (it
     * joins it), so the record commits together with the business write.
     */
    Mono<Void> complete(Claim.Fresh claim, int status, Object body);

    /**
     * Forgets the claim of a {@link #claimed} flow that failed having written nothing a retry must replay, inside
     * the transaction that records the failure, so a retry with the same key runs again.
     */
    Mono<Void> fail(Claim.Fresh claim);

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
        /** The key is ours to run; {@code token} tells this claim from a later takeover of the same key. */
        record Fresh(UUID principal, String key, UUID token) implements Claim {}

        /** The key already completed: send this response again. */
        record Replay(int status, String body) implements Claim {}
    }
}
