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
        String content = String.join(SEPARATOR, Integer.toString(row.chain()), Long.toString(row.chainSeq()), body(row),
                row.prevHash());
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static final String SEPARATOR = "\u001f";

    /**
     * The hashed content between the row's place in its chain (chain, seq) and the previous row's hash. An append
     * hashes in the INSERT that reads the previous row ({@link #HASH_SQL}), so it needs no separate read; the
     * verifier hashes in Java with {@link #hash}: one layout, so the two cannot drift apart.
     */
    static String body(AuditRow row) {
        return String.join(SEPARATOR,
                Long.toString(row.occurredAt().getEpochSecond() * 1_000_000 + row.occurredAt().getNano() / 1_000),
                String.valueOf(row.actorId()),
                String.valueOf(row.actorRole()),
                row.action(),
                String.valueOf(row.target()),
                row.outcome(),
                String.valueOf(row.requestId()),
                String.valueOf(row.clientIp()));
    }

    /**
     * {@link #hash} in SQL, for an INSERT that selects the previous row as {@code prev (seq, hash)}: {@code :chain}
     * and {@code :body} ({@link #body}) are bound; the row's seq is {@code prev.seq + 1}. PostgreSQL's
     * {@code sha256} over the UTF-8 bytes, in lower-case hex like {@link HexFormat}.
     */
    static final String HASH_SQL = "encode(sha256(convert_to(CAST(:chain AS text) || chr(31) || CAST(prev.seq + 1 AS text) "
            + "|| chr(31) || :body || chr(31) || prev.hash, 'UTF8')), 'hex')";
}
