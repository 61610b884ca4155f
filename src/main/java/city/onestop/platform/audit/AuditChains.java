package city.onestop.platform.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The chaining scheme. Rows are spread over {@link #CHAINS} chains by actor and target; within a chain, row n's hash is SHA-256 over its content and row n-1's hash. Appends to one
 * chain are serialized by {@code pg_advisory_xact_lock(LOCK_NAMESPACE, chain)}, held until the appending
 * transaction ends, so two writers can never fork a chain.
 */
final class AuditChains {

    static final int CHAINS = 256;
    static final int LOCK_NAMESPACE = 0x0A0D17;
    static final Link GENESIS = new Link(0, "0".repeat(64));

    record Link(long seq, String hash) {}

    private AuditChains() {}

    /**
     * The chain of a row: by actor and target together, so that even one actor's concurrent actions (a household
     * paying many bills at once) rarely wait for each other's chain lock. Any partition verifies the same way.
     */
    static int chainOf(UUID actorId, String target) {
        return Math.floorMod(java.util.Objects.hash(actorId, target), CHAINS);
    }

    static String hash(AuditRow row) {
        String content = String.join("\u001f",
                Integer.toString(row.chain()),
                Long.toString(row.chainSeq()),
                Long.toString(row.occurredAt().getEpochSecond() * 1_000_000 + row.occurredAt().getNano() / 1_000),
                String.valueOf(row.actorId()),
                String.valueOf(row.actorRole()),
                row.action(),
                String.valueOf(row.target()),
                row.outcome(),
                String.valueOf(row.requestId()),
                String.valueOf(row.clientIp()),
                row.prevHash());
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
