package city.onestop.billing;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A citizen's access to a utility account changed: {@code citizenId} was linked to it (by ID match, code or the
 * holder's approval), unlinked themselves, or was revoked by the holder, or asks the holder's approval.
 * {@code recipients} are the citizens to tell (the other linked citizens and the holder, or the revoked citizen):
 * consumers need not ask billing who they are. {@code eventId} is unique per change, for idempotent consumers.
 */
public record AccountLinkChanged(
        UUID eventId, UUID accountId, Utility utility, String maskedAccountNumber, UUID citizenId, Change change, String method,
        List<UUID> recipients, Instant at) {

    public enum Change {
        LINKED,
        UNLINKED,
        REVOKED,
        APPROVAL_REQUESTED
    }

    public AccountLinkChanged {
        recipients = List.copyOf(recipients);
    }
}
