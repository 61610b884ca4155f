package city.onestop.platform;

import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * The append-only, hash-chained audit trail of security-relevant actions. {@link #record} joins the caller's
 * reactive transaction, so the audit row commits with the action or not at all. The request id and client IP
 * are taken from the Reactor context that every HTTP request carries. Personal data must be masked before
 * it gets here ({@link Masking}).
 */
public interface AuditLog {

    Mono<Void> record(AuditEntry entry);

    enum Outcome {
        SUCCESS,
        FAILURE,
        DENIED
    }

    /**
     * One audited action. {@code actorId} is empty for anonymous actors (a failed login for an unknown phone);
     * {@code target} names what was acted on, e.g. {@code payment:9b1c...} or {@code phone:138****8000}.
     */
    record AuditEntry(UUID actorId, String actorRole, String action, String target, Outcome outcome) {

        public static AuditEntry of(CurrentUser user, String action, String target, Outcome outcome) {
            String role = user.roles().stream().map(Enum::name).sorted().findFirst().orElse(null);
            return new AuditEntry(user.id(), role, action, target, outcome);
        }
    }
}
