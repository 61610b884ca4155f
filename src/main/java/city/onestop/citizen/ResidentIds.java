package city.onestop.citizen;

import city.onestop.citizen.identity.ResidentIdNumber;
import java.util.Optional;
import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * Resident ID numbers as other modules may handle them: never in the clear beyond the request that brings one.
 * A fingerprint is a keyed HMAC-SHA256 of the normalised number under the server's ID key, the same one the
 * citizen table's unique constraint uses, so "this account's holder is this citizen" is a comparison of two
 * fingerprints, never of numbers. Without the key a fingerprint cannot be walked back over the small ID space.
 */
public interface ResidentIds {

    /** A number sealed for storage: AES-GCM ciphertext, its fingerprint, and the masked form for display. */
    record ProtectedId(byte[] cipher, byte[] fingerprint, String masked) {}

    /** Whether {@code raw} is a valid 18-character resident ID number (check character, birth date). */
    static boolean isValid(String raw) {
        return raw != null && ResidentIdNumber.isValid(raw);
    }

    /** The sealed form; empty when {@code raw} is not a valid number. */
    Optional<ProtectedId> protect(String raw);

    /** The fingerprint of the ID number the citizen registered with; empty when they have none (operators). */
    Mono<byte[]> findIdFingerprint(UUID citizenId);

    /** The citizen who registered with the number of this fingerprint; empty when none did. */
    Mono<CitizenSummary> findCitizenByIdFingerprint(byte[] fingerprint);
}
