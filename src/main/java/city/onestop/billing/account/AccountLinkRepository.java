package city.onestop.billing.account;

import city.onestop.billing.Utility;
import city.onestop.billing.account.AccountLinks.LinkVerificationView;
import city.onestop.billing.account.AccountLinks.Method;
import city.onestop.platform.Masking;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code billing_account_links} and {@code billing_link_verifications} rows, and the account holder's columns
 * linking reads: statements only, for {@link AccountLinks}, which owns the transactions and decides what each answer
 * means.
 */
@Component
class AccountLinkRepository {

    /** An ACTIVE account as linking checks it against what the citizen said. */
    record Holder(UUID id, Utility utility, String number, String name, String idLast4, byte @Nullable [] fingerprint,
            @Nullable String phone) {}

    /** The account a link or verification belongs to, as the event about it names it. */
    record AccountRef(Utility utility, String number) {}

    /** A verification of the citizen's, as confirming a code first looks at it. */
    record VerificationState(String method, String status, Instant expiresAt, Utility utility, String number) {}

    /** A counted code attempt on a PENDING verification, with what deciding it needs. */
    record Attempt(UUID accountId, Utility utility, String number, byte[] codeHash, int attempts, int maxAttempts) {}

    /** A PENDING approval request for an account whose holder fingerprint is the caller's. */
    record ApprovalRow(UUID id, UUID accountId, UUID requester, Instant requestedAt, Instant expiresAt, Utility utility,
            String number) {}

    /** An approval request the holder just decided. */
    record Decided(UUID accountId, UUID requester, Utility utility, String number) {}

    /** An account the caller holds, with one of its links (none when {@code citizenId} is null). */
    record HeldRow(UUID accountId, Utility utility, String number, String serviceAddress, @Nullable UUID citizenId,
            @Nullable String method, @Nullable Instant linkedAt) {}

    private final DatabaseClient db;

    AccountLinkRepository(DatabaseClient db) {
        this.db = db;
    }

    Mono<Holder> findActiveHolder(Utility utility, String number) {
        return db.sql("SELECT id, utility, account_number, holder_name, holder_id_last4, holder_id_fingerprint, holder_phone "
                        + "FROM billing_accounts WHERE utility = :utility AND account_number = :number AND status = 'ACTIVE'")
                .bind("utility", utility.name())
                .bind("number", number)
                .map(r -> new Holder(r.get("id", UUID.class), Utility.valueOf(r.get("utility", String.class)),
                        r.get("account_number", String.class), r.get("holder_name", String.class),
                        r.get("holder_id_last4", String.class), r.get("holder_id_fingerprint", byte[].class),
                        r.get("holder_phone", String.class)))
                .one();
    }

    Mono<Boolean> isLinked(UUID accountId, UUID citizen) {
        return db.sql("SELECT EXISTS (SELECT 1 FROM billing_account_links WHERE account_id = :a AND citizen_id = :c) AS linked")
                .bind("a", accountId)
                .bind("c", citizen)
                .map(r -> r.get("linked", Boolean.class))
                .one();
    }

    /** One link row per citizen and account, whoever wins a race (the primary key); true when this call made it. */
    Mono<Boolean> insertLink(UUID accountId, UUID citizen, String method, Instant now) {
        return db.sql("INSERT INTO billing_account_links (account_id, citizen_id, linked_at, method) VALUES (:a, :c, :now, :method) "
                        + "ON CONFLICT DO NOTHING")
                .bind("a", accountId)
                .bind("c", citizen)
                .bind("now", utc(now))
                .bind("method", method)
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    /** Removes the citizen's own link; empty when there was none. */
    Mono<AccountRef> deleteLink(UUID accountId, UUID citizen) {
        return db.sql("""
                        DELETE FROM billing_account_links l USING billing_accounts a
                        WHERE l.account_id = :a AND l.citizen_id = :c AND a.id = l.account_id
                        RETURNING a.utility, a.account_number""")
                .bind("a", accountId)
                .bind("c", citizen)
                .map(AccountLinkRepository::accountRef)
                .one();
    }

    /** Removes someone's link to an account whose holder fingerprint is {@code fp}; empty when there was none. */
    Mono<AccountRef> deleteHeldLink(byte[] fp, UUID accountId, UUID citizenId) {
        return db.sql("""
                        DELETE FROM billing_account_links l USING billing_accounts a
                        WHERE l.account_id = :a AND l.citizen_id = :c AND a.id = l.account_id AND a.holder_id_fingerprint = :fp
                        RETURNING a.utility, a.account_number""")
                .bind("a", accountId)
                .bind("c", citizenId)
                .bind("fp", fp)
                .map(AccountLinkRepository::accountRef)
                .one();
    }

    /** The other citizens linked to the account, oldest link first (at most 50). */
    Mono<List<UUID>> listLinkedCitizens(UUID accountId, UUID except) {
        return db.sql("SELECT citizen_id FROM billing_account_links WHERE account_id = :a AND citizen_id <> :c "
                        + "ORDER BY linked_at LIMIT 50")
                .bind("a", accountId)
                .bind("c", except)
                .map(r -> r.get("citizen_id", UUID.class))
                .all()
                .collectList();
    }

    Mono<byte[]> findHolderFingerprint(UUID accountId) {
        return db.sql("SELECT holder_id_fingerprint FROM billing_accounts WHERE id = :a AND holder_id_fingerprint IS NOT NULL")
                .bind("a", accountId)
                .map(r -> r.get("holder_id_fingerprint", byte[].class))
                .one();
    }

    // ---- verifications

    Mono<VerificationState> findVerificationState(UUID citizen, UUID verificationId) {
        return db.sql("""
                        SELECT v.account_id, v.status, v.method, v.expires_at, v.attempts, v.max_attempts, a.utility, a.account_number
                        FROM billing_link_verifications v JOIN billing_accounts a ON a.id = v.account_id
                        WHERE v.id = :id AND v.citizen_id = :citizen""")
                .bind("id", verificationId)
                .bind("citizen", citizen)
                .map(r -> new VerificationState(r.get("method", String.class), r.get("status", String.class),
                        r.get("expires_at", OffsetDateTime.class).toInstant(), Utility.valueOf(r.get("utility", String.class)),
                        r.get("account_number", String.class)))
                .one();
    }

    Mono<LinkVerificationView> findVerification(UUID citizen, UUID verificationId) {
        return db.sql("""
                        SELECT v.id, v.account_id, v.method, v.status, v.expires_at, v.attempts, v.max_attempts, a.utility,
                               a.account_number, a.holder_phone
                        FROM billing_link_verifications v JOIN billing_accounts a ON a.id = v.account_id
                        WHERE v.id = :id AND v.citizen_id = :citizen""")
                .bind("id", verificationId)
                .bind("citizen", citizen)
                .map(AccountLinkRepository::verificationView)
                .one();
    }

    /**
     * Counts a code attempt first, in one conditional statement: parallel guesses serialize on the row and stop at
     * max. Empty when the verification is not PENDING, expired or out of attempts.
     */
    Mono<Attempt> countAttempt(UUID citizen, UUID verificationId, Instant now) {
        return db.sql("""
                        UPDATE billing_link_verifications v SET attempts = v.attempts + 1
                        FROM billing_accounts a
                        WHERE v.id = :id AND v.citizen_id = :citizen AND v.status = 'PENDING' AND v.attempts < v.max_attempts
                          AND v.expires_at > :now AND a.id = v.account_id
                        RETURNING v.account_id, v.code_hash, v.attempts, v.max_attempts, a.utility, a.account_number""")
                .bind("id", verificationId)
                .bind("citizen", citizen)
                .bind("now", utc(now))
                .map(r -> new Attempt(r.get("account_id", UUID.class), Utility.valueOf(r.get("utility", String.class)),
                        r.get("account_number", String.class), r.get("code_hash", byte[].class), r.get("attempts", Integer.class),
                        r.get("max_attempts", Integer.class)))
                .one();
    }

    Mono<Void> insertCodeVerification(UUID id, UUID accountId, UUID citizen, byte[] codeHash, int maxAttempts, Instant now,
            Instant expiresAt) {
        return db.sql("""
                        INSERT INTO billing_link_verifications (id, account_id, citizen_id, method, code_hash, attempts,
                            max_attempts, status, created_at, expires_at)
                        VALUES (:id, :account, :citizen, 'SMS_CODE', :hash, 0, :max, 'PENDING', :now, :expires)""")
                .bind("id", id)
                .bind("account", accountId)
                .bind("citizen", citizen)
                .bind("hash", codeHash)
                .bind("max", maxAttempts)
                .bind("now", utc(now))
                .bind("expires", utc(expiresAt))
                .then();
    }

    Mono<Void> insertApprovalVerification(UUID id, UUID accountId, UUID citizen, Instant now, Instant expiresAt) {
        return db.sql("""
                        INSERT INTO billing_link_verifications (id, account_id, citizen_id, method, attempts, max_attempts,
                            status, created_at, expires_at)
                        VALUES (:id, :account, :citizen, 'HOLDER_APPROVAL', 0, 1, 'PENDING', :now, :expires)""")
                .bind("id", id)
                .bind("account", accountId)
                .bind("citizen", citizen)
                .bind("now", utc(now))
                .bind("expires", utc(expiresAt))
                .then();
    }

    /** Cancels the citizen's open verification for the account (its code stops working). */
    Mono<Void> cancelPending(UUID citizen, UUID accountId, Instant now) {
        return db.sql("UPDATE billing_link_verifications SET status = 'CANCELLED', decided_at = :now "
                        + "WHERE account_id = :account AND citizen_id = :citizen AND status = 'PENDING'")
                .bind("now", utc(now))
                .bind("account", accountId)
                .bind("citizen", citizen)
                .then();
    }

    /** Decides a PENDING verification; nothing when it is no longer pending. */
    Mono<Void> decide(UUID verificationId, String status, Instant now) {
        return db.sql("UPDATE billing_link_verifications SET status = :status, decided_at = :now WHERE id = :id AND status = 'PENDING'")
                .bind("status", status)
                .bind("now", utc(now))
                .bind("id", verificationId)
                .then();
    }

    // ---- the holder's side

    /** PENDING, unexpired approval requests for accounts whose holder fingerprint is {@code fp}, newest first (at most 100). */
    Flux<ApprovalRow> listApprovalRequests(byte[] fp, Instant now) {
        return db.sql("""
                        SELECT v.id, v.account_id, v.citizen_id, v.created_at, v.expires_at, a.utility, a.account_number
                        FROM billing_link_verifications v JOIN billing_accounts a ON a.id = v.account_id
                        WHERE a.holder_id_fingerprint = :fp AND v.method = 'HOLDER_APPROVAL' AND v.status = 'PENDING'
                          AND v.expires_at > :now
                        ORDER BY v.created_at DESC LIMIT 100""")
                .bind("fp", fp)
                .bind("now", utc(now))
                .map(r -> new ApprovalRow(r.get("id", UUID.class), r.get("account_id", UUID.class), r.get("citizen_id", UUID.class),
                        r.get("created_at", OffsetDateTime.class).toInstant(), r.get("expires_at", OffsetDateTime.class).toInstant(),
                        Utility.valueOf(r.get("utility", String.class)), r.get("account_number", String.class)))
                .all();
    }

    /** Decides an open approval request for an account whose holder fingerprint is {@code fp}; empty when there is none. */
    Mono<Decided> decideApproval(byte[] fp, UUID verificationId, String status, Instant now) {
        return db.sql("""
                        UPDATE billing_link_verifications v SET status = :status, decided_at = :now
                        FROM billing_accounts a
                        WHERE v.id = :id AND a.id = v.account_id AND a.holder_id_fingerprint = :fp
                          AND v.method = 'HOLDER_APPROVAL' AND v.status = 'PENDING' AND v.expires_at > :now
                        RETURNING v.account_id, v.citizen_id, a.utility, a.account_number""")
                .bind("status", status)
                .bind("now", utc(now))
                .bind("id", verificationId)
                .bind("fp", fp)
                .map(r -> new Decided(r.get("account_id", UUID.class), r.get("citizen_id", UUID.class),
                        Utility.valueOf(r.get("utility", String.class)), r.get("account_number", String.class)))
                .one();
    }

    /** The accounts whose holder fingerprint is {@code fp}, each with its links in the order they were made (at most 1000 rows). */
    Flux<HeldRow> listHeld(byte[] fp) {
        return db.sql("""
                        SELECT a.id, a.utility, a.account_number, a.service_address, l.citizen_id, l.method, l.linked_at
                        FROM billing_accounts a LEFT JOIN billing_account_links l ON l.account_id = a.id
                        WHERE a.holder_id_fingerprint = :fp
                        ORDER BY a.utility, a.account_number, l.linked_at LIMIT 1000""")
                .bind("fp", fp)
                .map(r -> {
                    OffsetDateTime linkedAt = r.get("linked_at", OffsetDateTime.class);
                    return new HeldRow(r.get("id", UUID.class), Utility.valueOf(r.get("utility", String.class)),
                            r.get("account_number", String.class), r.get("service_address", String.class),
                            r.get("citizen_id", UUID.class), r.get("method", String.class),
                            linkedAt == null ? null : linkedAt.toInstant());
                })
                .all();
    }

    private static AccountRef accountRef(Readable r) {
        return new AccountRef(Utility.valueOf(r.get("utility", String.class)), r.get("account_number", String.class));
    }

    private static LinkVerificationView verificationView(Readable r) {
        Method method = Method.valueOf(r.get("method", String.class));
        String phone = r.get("holder_phone", String.class);
        int left = r.get("max_attempts", Integer.class) - r.get("attempts", Integer.class);
        return new LinkVerificationView(r.get("id", UUID.class), r.get("account_id", UUID.class),
                Utility.valueOf(r.get("utility", String.class)), r.get("account_number", String.class), method,
                r.get("status", String.class), method == Method.SMS_CODE && phone != null ? Masking.phone(phone) : null,
                r.get("expires_at", OffsetDateTime.class).toInstant(), method == Method.SMS_CODE ? left : null);
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
