package city.onestop.billing.account;

import city.onestop.billing.AccountLinkChanged;
import city.onestop.billing.AccountLinkChanged.Change;
import city.onestop.billing.Utility;
import city.onestop.citizen.CitizenDirectory;
import city.onestop.citizen.CitizenSummary;
import city.onestop.citizen.ResidentIds;
import city.onestop.platform.Outbox;
import city.onestop.platform.AuditLog;
import city.onestop.platform.AuditLog.AuditEntry;
import city.onestop.platform.AuditLog.Outcome;
import city.onestop.platform.Masking;
import city.onestop.platform.ProblemException;
import city.onestop.platform.RateLimiter;
import city.onestop.platform.RateLimiter.Decision;
import city.onestop.platform.RateLimiter.Limit;
import city.onestop.platform.RateLimiter.Lockout;
import city.onestop.platform.SmsRejected;
import city.onestop.platform.SmsSender;
import city.onestop.platform.SmsUnavailable;
import io.r2dbc.spi.Readable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Linking a citizen to a utility account without letting anyone walk the holder's ID ending (docs/billing.md,
 * "Linking"). The holder's name and ID ending are only the first gate; then the account links at once when the
 * holder's keyed ID fingerprint equals the citizen's, or else waits for a one-time code sent to the phone the
 * utility has on file, or for the holder's approval in the app when the holder is a OneStop citizen. Failures are
 * counted per account and per citizen in Redis (locked for a day after 5 and 10) and audited; code attempts are
 * also bounded in PostgreSQL by a conditional UPDATE, which holds even when Redis fails open.
 */
@Service
public class AccountLinks {

    public static final int CODE_ATTEMPTS = 5;
    static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
    static final Duration APPROVAL_LIFETIME = Duration.ofDays(7);
    static final Lockout ACCOUNT_FAILURES = new Lockout(5, Duration.ofDays(1));
    static final Lockout CITIZEN_FAILURES = new Lockout(10, Duration.ofDays(1));
    static final Limit CODES_PER_ACCOUNT = new Limit(5, Duration.ofDays(1));
    static final Limit CODES_PER_CITIZEN = new Limit(10, Duration.ofDays(1));
    private static final Pattern CODE = Pattern.compile("[0-9]{6}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger log = LoggerFactory.getLogger(AccountLinks.class);

    /** How a pending link is to be confirmed. */
    public enum Method {
        SMS_CODE,
        HOLDER_APPROVAL
    }

    /** What a link request led to: linked now, or waiting for a code or an approval. */
    public sealed interface LinkResult {
        record Linked(AccountView account) implements LinkResult {}

        record Pending(LinkVerificationView verification) implements LinkResult {}
    }

    /** A pending (or decided) link as the citizen who asked sees it. {@code sentTo} is the masked phone a code went to. */
    public record LinkVerificationView(
            UUID id, UUID accountId, Utility utility, String accountNumber, Method method, String status, @Nullable String sentTo,
            Instant expiresAt, @Nullable Integer remainingAttempts) {}

    /** A request to link one of my accounts, as its holder sees it. */
    public record ApprovalRequestView(
            UUID id, UUID accountId, Utility utility, String accountNumber, String requesterName, String requesterPhone,
            Instant requestedAt, Instant expiresAt) {}

    /** One citizen linked to an account I hold. */
    public record LinkedCitizenView(UUID citizenId, String realName, String maskedPhone, String method, Instant linkedAt) {}

    /** An account I hold (my verified ID is its holder's) and everyone linked to it. */
    public record HeldAccountView(
            UUID accountId, Utility utility, String accountNumber, String serviceAddress, List<LinkedCitizenView> links) {}

    private record Holder(UUID id, Utility utility, String number, String name, String idLast4, byte @Nullable [] fingerprint,
            @Nullable String phone) {}

    private record Attempt(UUID accountId, Utility utility, String number, byte[] codeHash, int attempts, int maxAttempts) {}

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final AuditLog audit;
    private final RateLimiter limiter;
    private final SmsSender sms;
    private final ResidentIds residentIds;
    private final CitizenDirectory citizens;
    private final AccountService accounts;
    private final Outbox outbox;

    AccountLinks(DatabaseClient db, TransactionalOperator tx, Clock clock, AuditLog audit, RateLimiter limiter,
            SmsSender sms, ResidentIds residentIds, CitizenDirectory citizens, AccountService accounts,
            Outbox outbox) {
        this.db = db;
        this.tx = tx;
        this.clock = clock;
        this.audit = audit;
        this.limiter = limiter;
        this.sms = sms;
        this.residentIds = residentIds;
        this.citizens = citizens;
        this.accounts = accounts;
        this.outbox = outbox;
    }

    // ---- the citizen asking for a link

    /**
     * Checks the holder's name and ID ending, then links at once (keyed ID fingerprints equal), or starts a
     * verification by code or by the holder's approval ({@code preferred}, else a code when the utility has a
     * phone on file). A wrong name/ID ending and an unknown account are the same 404, and count as failures.
     */
    public Mono<LinkResult> requestLink(UUID citizen, Utility utility, String accountNumber, String holderName, String idLast4,
            @Nullable Method preferred) {
        String number = accountNumber.strip();
        String accountKey = accountKey(utility, number);
        String citizenKey = citizenKey(citizen);
        return checkLocks(accountKey, citizenKey)
                .then(findHolder(utility, number))
                .filter(h -> h.name().strip().equalsIgnoreCase(holderName.strip()) && h.idLast4().equalsIgnoreCase(idLast4.strip()))
                .switchIfEmpty(Mono.defer(() -> failed(citizen, "ACCOUNT_LINK_FAILED", utility + ":" + number, accountKey, citizenKey)
                        .then(Mono.error(() -> new ProblemException(HttpStatus.NOT_FOUND, "ACCOUNT_NOT_FOUND", "Not found",
                                "No " + utility + " account matches this account number and holder verification")))))
                .flatMap(h -> isLinked(h.id(), citizen).flatMap(linked -> linked
                        ? accounts.getLinked(citizen, h.id()).map(v -> (LinkResult) new LinkResult.Linked(v))
                        : residentIds.findIdFingerprint(citizen)
                                .filter(mine -> h.fingerprint() != null && MessageDigest.isEqual(mine, h.fingerprint()))
                                .flatMap(match -> linkNow(citizen, h, "ID_MATCH"))
                                .switchIfEmpty(Mono.defer(() -> startVerification(citizen, h, preferred, accountKey, citizenKey)))));
    }

    /** Confirms a pending SMS_CODE verification; every wrong code counts against the account, the citizen and the row. */
    public Mono<AccountView> confirmCode(UUID citizen, UUID verificationId, String code) {
        if (code == null || !CODE.matcher(code.strip()).matches()) {
            return Mono.error(new ProblemException(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "Validation failed",
                    "The request has invalid fields", Map.of("errors", List.of(Map.of("field", "code", "message",
                            "must be the 6 digits of the text message")))));
        }
        String given = code.strip();
        return db.sql("""
                        SELECT v.account_id, v.status, v.method, v.expires_at, v.attempts, v.max_attempts, a.utility, a.account_number
                        FROM billing_link_verifications v JOIN billing_accounts a ON a.id = v.account_id
                        WHERE v.id = :id AND v.citizen_id = :citizen""")
                .bind("id", verificationId)
                .bind("citizen", citizen)
                .map(r -> Map.<String, Object>of("status", r.get("status", String.class), "method", r.get("method", String.class),
                        "expires", r.get("expires_at", OffsetDateTime.class).toInstant(),
                        "utility", Utility.valueOf(r.get("utility", String.class)), "number", r.get("account_number", String.class)))
                .one()
                .switchIfEmpty(Mono.error(() -> verificationNotFound(verificationId)))
                .flatMap(v -> {
                    if (!Method.SMS_CODE.name().equals(v.get("method"))) {
                        return Mono.error(ProblemException.conflict("LINK_VERIFICATION_CLOSED",
                                "This link waits for the holder's approval, not for a code"));
                    }
                    String accountKey = accountKey((Utility) v.get("utility"), (String) v.get("number"));
                    String citizenKey = citizenKey(citizen);
                    return checkLocks(accountKey, citizenKey).then(attempt(citizen, verificationId, given, accountKey, citizenKey));
                });
    }

    private Mono<AccountView> attempt(UUID citizen, UUID verificationId, String given, String accountKey, String citizenKey) {
        Instant now = clock.instant();
        // Counts the attempt first, in one conditional statement: parallel guesses serialize on the row and stop at max.
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
                .one()
                .flatMap(a -> {
                    if (MessageDigest.isEqual(a.codeHash(), codeHash(verificationId, given))) {
                        return decide(verificationId, "CONFIRMED", now)
                                .then(insertLink(a.accountId(), citizen, "SMS_CODE", now))
                                .flatMap(inserted -> inserted
                                        ? audit.record(new AuditEntry(citizen, "CITIZEN", "ACCOUNT_LINKED", "account:" + a.accountId(),
                                                Outcome.SUCCESS))
                                                .then(announce(a.accountId(), a.utility(), a.number(), citizen, Change.LINKED, "SMS_CODE",
                                                        recipients(a.accountId(), citizen, true), now))
                                                .thenReturn(a)
                                        : Mono.just(a))
                                .map(x -> (Object) x);
                    }
                    Mono<Void> exhausted = a.attempts() >= a.maxAttempts() ? decide(verificationId, "FAILED", now) : Mono.empty();
                    return exhausted
                            .then(audit.record(new AuditEntry(citizen, "CITIZEN", "ACCOUNT_LINK_CODE_FAILED",
                                    "account:" + a.accountId(), Outcome.FAILURE)))
                            .thenReturn((Object) new WrongCode(a.maxAttempts() - a.attempts()));
                })
                .as(tx::transactional)
                .flatMap(result -> {
                    if (result instanceof WrongCode wrong) {
                        return recordFailures(accountKey, citizenKey).flatMap(locked -> Mono.error(locked.isPresent() ? locked.get()
                                : new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "LINK_CODE_INVALID", "Wrong code",
                                        wrong.remaining() > 0 ? "The code is wrong" : "The code is wrong; request a new one",
                                        Map.of("remainingAttempts", wrong.remaining()))));
                    }
                    Attempt a = (Attempt) result;
                    return accounts.getLinked(citizen, a.accountId());
                })
                .switchIfEmpty(Mono.defer(() -> whyNotPending(citizen, verificationId, now)));
    }

    private record WrongCode(int remaining) {}

    /** The verification as its requester sees it. */
    public Mono<LinkVerificationView> getVerification(UUID citizen, UUID verificationId) {
        return db.sql("""
                        SELECT v.id, v.account_id, v.method, v.status, v.expires_at, v.attempts, v.max_attempts, a.utility,
                               a.account_number, a.holder_phone
                        FROM billing_link_verifications v JOIN billing_accounts a ON a.id = v.account_id
                        WHERE v.id = :id AND v.citizen_id = :citizen""")
                .bind("id", verificationId)
                .bind("citizen", citizen)
                .map(AccountLinks::verificationView)
                .one()
                .switchIfEmpty(Mono.error(() -> verificationNotFound(verificationId)));
    }

    /** The citizen removes their own link. */
    public Mono<Void> unlink(UUID citizen, UUID accountId) {
        Instant now = clock.instant();
        return db.sql("""
                        DELETE FROM billing_account_links l USING billing_accounts a
                        WHERE l.account_id = :a AND l.citizen_id = :c AND a.id = l.account_id
                        RETURNING a.utility, a.account_number""")
                .bind("a", accountId)
                .bind("c", citizen)
                .map(r -> Map.entry(Utility.valueOf(r.get("utility", String.class)), r.get("account_number", String.class)))
                .one()
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Account", accountId.toString())))
                .flatMap(acc -> audit.record(new AuditEntry(citizen, "CITIZEN", "ACCOUNT_UNLINKED", "account:" + accountId,
                                Outcome.SUCCESS))
                        .then(announce(accountId, acc.getKey(), acc.getValue(), citizen, Change.UNLINKED, "SELF",
                                recipients(accountId, citizen, true), now)))
                .as(tx::transactional)
                .then();
    }

    // ---- the holder

    /** Link requests waiting for my approval, for accounts whose holder ID is mine. */
    public Flux<ApprovalRequestView> listApprovalRequests(UUID holder) {
        Instant now = clock.instant();
        return residentIds.findIdFingerprint(holder).flatMapMany(fp -> db.sql("""
                                SELECT v.id, v.account_id, v.citizen_id, v.created_at, v.expires_at, a.utility, a.account_number
                                FROM billing_link_verifications v JOIN billing_accounts a ON a.id = v.account_id
                                WHERE a.holder_id_fingerprint = :fp AND v.method = 'HOLDER_APPROVAL' AND v.status = 'PENDING'
                                  AND v.expires_at > :now
                                ORDER BY v.created_at DESC LIMIT 100""")
                        .bind("fp", fp)
                        .bind("now", utc(now))
                        .map(r -> new Object[] {r.get("id", UUID.class), r.get("account_id", UUID.class), r.get("citizen_id", UUID.class),
                                r.get("created_at", OffsetDateTime.class).toInstant(), r.get("expires_at", OffsetDateTime.class).toInstant(),
                                Utility.valueOf(r.get("utility", String.class)), r.get("account_number", String.class)})
                        .all())
                .concatMap(row -> citizens.findCitizen((UUID) row[2])
                        .defaultIfEmpty(new CitizenSummary((UUID) row[2], "?", "***"))
                        .map(c -> new ApprovalRequestView((UUID) row[0], (UUID) row[1], (Utility) row[5], (String) row[6], c.realName(),
                                c.maskedPhone(), (Instant) row[3], (Instant) row[4])));
    }

    /** The holder approves or refuses a request to link one of their accounts. */
    public Mono<Void> decideApproval(UUID holder, UUID verificationId, boolean approve) {
        Instant now = clock.instant();
        return residentIds.findIdFingerprint(holder)
                .flatMap(fp -> db.sql("""
                                UPDATE billing_link_verifications v SET status = :status, decided_at = :now
                                FROM billing_accounts a
                                WHERE v.id = :id AND a.id = v.account_id AND a.holder_id_fingerprint = :fp
                                  AND v.method = 'HOLDER_APPROVAL' AND v.status = 'PENDING' AND v.expires_at > :now
                                RETURNING v.account_id, v.citizen_id, a.utility, a.account_number""")
                        .bind("status", approve ? "CONFIRMED" : "REJECTED")
                        .bind("now", utc(now))
                        .bind("id", verificationId)
                        .bind("fp", fp)
                        .map(r -> new Object[] {r.get("account_id", UUID.class), r.get("citizen_id", UUID.class),
                                Utility.valueOf(r.get("utility", String.class)), r.get("account_number", String.class)})
                        .one())
                .switchIfEmpty(Mono.error(() -> new ProblemException(HttpStatus.NOT_FOUND, "LINK_REQUEST_NOT_FOUND", "Not found",
                        "There is no open link request " + verificationId + " for an account you hold")))
                .flatMap(row -> {
                    UUID accountId = (UUID) row[0];
                    UUID requester = (UUID) row[1];
                    Mono<Boolean> linked = approve ? insertLink(accountId, requester, "HOLDER_APPROVAL", now) : Mono.just(false);
                    return linked.flatMap(inserted -> audit.record(new AuditEntry(holder, "CITIZEN",
                                            approve ? "ACCOUNT_LINK_APPROVED" : "ACCOUNT_LINK_REFUSED",
                                            "account:" + accountId + " citizen:" + requester, Outcome.SUCCESS))
                                    .then(inserted
                                            ? announce(accountId, (Utility) row[2], (String) row[3], requester, Change.LINKED,
                                                    "HOLDER_APPROVAL", recipients(accountId, requester, true).map(to -> with(to, requester)), now)
                                            : Mono.empty()))
                            .as(tx::transactional);
                })
                .then();
    }

    /** The accounts I hold (my verified ID is the holder's) with everyone linked to them. */
    public Flux<HeldAccountView> listHeld(UUID holder) {
        return residentIds.findIdFingerprint(holder).flatMapMany(fp -> db.sql("""
                                SELECT a.id, a.utility, a.account_number, a.service_address, l.citizen_id, l.method, l.linked_at
                                FROM billing_accounts a LEFT JOIN billing_account_links l ON l.account_id = a.id
                                WHERE a.holder_id_fingerprint = :fp
                                ORDER BY a.utility, a.account_number, l.linked_at LIMIT 1000""")
                        .bind("fp", fp)
                        .map(r -> new Object[] {r.get("id", UUID.class), Utility.valueOf(r.get("utility", String.class)),
                                r.get("account_number", String.class), r.get("service_address", String.class),
                                r.get("citizen_id", UUID.class), r.get("method", String.class),
                                r.get("linked_at", OffsetDateTime.class)})
                        .all())
                .concatMap(row -> row[4] == null
                        ? Mono.just(new Object[] {row, null})
                        : citizens.findCitizen((UUID) row[4])
                                .defaultIfEmpty(new CitizenSummary((UUID) row[4], "?", "***"))
                                .map(c -> new Object[] {row, new LinkedCitizenView(c.id(), c.realName(), c.maskedPhone(),
                                        (String) row[5], ((OffsetDateTime) row[6]).toInstant())}))
                .bufferUntilChanged(pair -> ((Object[]) pair[0])[0])
                .map(group -> {
                    Object[] first = (Object[]) group.get(0)[0];
                    List<LinkedCitizenView> links = new ArrayList<>();
                    group.forEach(pair -> {
                        if (pair[1] != null) {
                            links.add((LinkedCitizenView) pair[1]);
                        }
                    });
                    return new HeldAccountView((UUID) first[0], (Utility) first[1], (String) first[2], (String) first[3],
                            List.copyOf(links));
                });
    }

    /** The holder removes someone's link to an account they hold; the removed citizen is told. */
    public Mono<Void> revoke(UUID holder, UUID accountId, UUID citizenId) {
        Instant now = clock.instant();
        return residentIds.findIdFingerprint(holder)
                .flatMap(fp -> db.sql("""
                                DELETE FROM billing_account_links l USING billing_accounts a
                                WHERE l.account_id = :a AND l.citizen_id = :c AND a.id = l.account_id AND a.holder_id_fingerprint = :fp
                                RETURNING a.utility, a.account_number""")
                        .bind("a", accountId)
                        .bind("c", citizenId)
                        .bind("fp", fp)
                        .map(r -> Map.entry(Utility.valueOf(r.get("utility", String.class)), r.get("account_number", String.class)))
                        .one())
                .switchIfEmpty(Mono.error(() -> new ProblemException(HttpStatus.NOT_FOUND, "LINK_NOT_FOUND", "Not found",
                        "Citizen " + citizenId + " is not linked to an account you hold with id " + accountId)))
                .flatMap(acc -> audit.record(new AuditEntry(holder, "CITIZEN", "ACCOUNT_LINK_REVOKED",
                                "account:" + accountId + " citizen:" + citizenId, Outcome.SUCCESS))
                        .then(announce(accountId, acc.getKey(), acc.getValue(), citizenId, Change.REVOKED, "HOLDER",
                                Mono.just(List.of(citizenId)), now)))
                .as(tx::transactional)
                .then();
    }

    // ---- internals

    private Mono<LinkResult> startVerification(UUID citizen, Holder h, @Nullable Method preferred, String accountKey,
            String citizenKey) {
        Mono<CitizenSummary> holderCitizen = h.fingerprint() == null
                ? Mono.empty()
                : residentIds.findCitizenByIdFingerprint(h.fingerprint()).filter(c -> !c.id().equals(citizen));
        return holderCitizen.map(c -> (Object) c).defaultIfEmpty("none").flatMap(found -> {
            boolean holderOnOneStop = found instanceof CitizenSummary;
            if (preferred == Method.HOLDER_APPROVAL || (preferred == null && h.phone() == null && holderOnOneStop)) {
                if (!holderOnOneStop) {
                    return Mono.error(new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "LINK_APPROVAL_UNAVAILABLE",
                            "Approval not possible", "The holder of this account does not use OneStop; confirm by code instead"));
                }
                return startApproval(citizen, h, ((CitizenSummary) found).id());
            }
            if (h.phone() == null) {
                return Mono.error(new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "LINK_VERIFICATION_UNAVAILABLE",
                        "Verification not possible",
                        "The utility has no phone number on file for this account's holder; ask the utility to add it, "
                                + "or link it from the holder's own OneStop account"));
            }
            return startCode(citizen, h);
        });
    }

    private Mono<LinkResult> startCode(UUID citizen, Holder h) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        String code = String.format("%06d", RANDOM.nextInt(1_000_000));
        // Codes cost money and disturb the holder: bounded per account and per citizen before anything is sent.
        return limiter.tryAcquire("link:codes:account:" + h.id(), CODES_PER_ACCOUNT)
                .flatMap(d -> d.allowed() ? limiter.tryAcquire("link:codes:citizen:" + citizen, CODES_PER_CITIZEN) : Mono.just(d))
                .flatMap(d -> d.allowed() ? Mono.<Void>empty() : Mono.error(ProblemException.tooManyRequests("LINK_CODES_EXHAUSTED",
                        "Too many codes were sent for this account or by you today; try again later", d.retryAfterSeconds())))
                .then(replacePending(citizen, h.id(), now)
                        .then(db.sql("""
                                        INSERT INTO billing_link_verifications (id, account_id, citizen_id, method, code_hash, attempts,
                                            max_attempts, status, created_at, expires_at)
                                        VALUES (:id, :account, :citizen, 'SMS_CODE', :hash, 0, :max, 'PENDING', :now, :expires)""")
                                .bind("id", id)
                                .bind("account", h.id())
                                .bind("citizen", citizen)
                                .bind("hash", codeHash(id, code))
                                .bind("max", CODE_ATTEMPTS)
                                .bind("now", utc(now))
                                .bind("expires", utc(now.plus(CODE_LIFETIME)))
                                .then())
                        .as(tx::transactional))
                .then(sms.send(h.phone(), codeText(code, h), "link-verification:" + id)
                        .onErrorResume(e -> e instanceof SmsRejected || e instanceof SmsUnavailable, e -> decide(id, "CANCELLED", now)
                                .as(tx::transactional)
                                .then(Mono.error(e instanceof SmsRejected
                                        ? new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "SMS_REJECTED", "Code not sent",
                                                "The SMS provider refused the holder's phone number on file; ask the utility to correct it")
                                        : new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "SMS_UNAVAILABLE", "Code not sent",
                                                "Text messages cannot be sent right now; try again in a minute",
                                                Map.of("retryAfterSeconds", 60L))))))
                .thenReturn(new LinkResult.Pending(new LinkVerificationView(id, h.id(), h.utility(), h.number(), Method.SMS_CODE,
                        "PENDING", Masking.phone(h.phone()), now.plus(CODE_LIFETIME), CODE_ATTEMPTS)));
    }

    private Mono<LinkResult> startApproval(UUID citizen, Holder h, UUID holderCitizen) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        return replacePending(citizen, h.id(), now)
                .then(db.sql("""
                                INSERT INTO billing_link_verifications (id, account_id, citizen_id, method, attempts, max_attempts,
                                    status, created_at, expires_at)
                                VALUES (:id, :account, :citizen, 'HOLDER_APPROVAL', 0, 1, 'PENDING', :now, :expires)""")
                        .bind("id", id)
                        .bind("account", h.id())
                        .bind("citizen", citizen)
                        .bind("now", utc(now))
                        .bind("expires", utc(now.plus(APPROVAL_LIFETIME)))
                        .then())
                .then(announce(h.id(), h.utility(), h.number(), citizen, Change.APPROVAL_REQUESTED, "HOLDER_APPROVAL",
                        Mono.just(List.of(holderCitizen)), now))
                .as(tx::transactional)
                .thenReturn(new LinkResult.Pending(new LinkVerificationView(id, h.id(), h.utility(), h.number(),
                        Method.HOLDER_APPROVAL, "PENDING", null, now.plus(APPROVAL_LIFETIME), null)));
    }

    /** A new request replaces the citizen's open one for the account (its code stops working). */
    private Mono<Void> replacePending(UUID citizen, UUID accountId, Instant now) {
        return db.sql("UPDATE billing_link_verifications SET status = 'CANCELLED', decided_at = :now "
                        + "WHERE account_id = :account AND citizen_id = :citizen AND status = 'PENDING'")
                .bind("now", utc(now))
                .bind("account", accountId)
                .bind("citizen", citizen)
                .then();
    }

    private Mono<Void> decide(UUID verificationId, String status, Instant now) {
        return db.sql("UPDATE billing_link_verifications SET status = :status, decided_at = :now WHERE id = :id AND status = 'PENDING'")
                .bind("status", status)
                .bind("now", utc(now))
                .bind("id", verificationId)
                .then();
    }

    private Mono<AccountView> whyNotPending(UUID citizen, UUID verificationId, Instant now) {
        return getVerification(citizen, verificationId).flatMap(v -> Mono.error(switch (v.status()) {
            case "PENDING" -> v.expiresAt().isAfter(now)
                    ? ProblemException.conflict("LINK_VERIFICATION_CLOSED", "No attempts are left for this code; request a new one")
                    : new ProblemException(HttpStatus.GONE, "LINK_CODE_EXPIRED", "Code expired",
                            "This code has expired; request a new one");
            case "CONFIRMED" -> ProblemException.conflict("LINK_VERIFICATION_CLOSED", "This link is already confirmed");
            default -> ProblemException.conflict("LINK_VERIFICATION_CLOSED", "This verification is " + v.status()
                    + "; request a new one");
        }));
    }

    private Mono<LinkResult> linkNow(UUID citizen, Holder h, String method) {
        Instant now = clock.instant();
        return insertLink(h.id(), citizen, method, now)
                .flatMap(inserted -> inserted
                        ? audit.record(new AuditEntry(citizen, "CITIZEN", "ACCOUNT_LINKED", "account:" + h.id(), Outcome.SUCCESS))
                                .then(announce(h.id(), h.utility(), h.number(), citizen, Change.LINKED, method,
                                        recipients(h.id(), citizen, true), now))
                        : Mono.empty())
                .as(tx::transactional)
                .then(accounts.getLinked(citizen, h.id()))
                .map(LinkResult.Linked::new);
    }

    /** One link row per citizen and account, whoever wins a race (the primary key); true when this call made it. */
    private Mono<Boolean> insertLink(UUID accountId, UUID citizen, String method, Instant now) {
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

    private Mono<Boolean> isLinked(UUID accountId, UUID citizen) {
        return db.sql("SELECT EXISTS (SELECT 1 FROM billing_account_links WHERE account_id = :a AND citizen_id = :c) AS linked")
                .bind("a", accountId)
                .bind("c", citizen)
                .map(r -> r.get("linked", Boolean.class))
                .one();
    }

    /** Who hears of a change to the account: the other linked citizens and its holder on OneStop, never {@code about}. */
    private Mono<List<UUID>> recipients(UUID accountId, UUID about, boolean includeHolder) {
        Mono<List<UUID>> linked = db.sql("SELECT citizen_id FROM billing_account_links WHERE account_id = :a AND citizen_id <> :c "
                        + "ORDER BY linked_at LIMIT 50")
                .bind("a", accountId)
                .bind("c", about)
                .map(r -> r.get("citizen_id", UUID.class))
                .all()
                .collectList();
        Mono<List<UUID>> holder = !includeHolder ? Mono.just(List.of()) : db.sql(
                        "SELECT holder_id_fingerprint FROM billing_accounts WHERE id = :a AND holder_id_fingerprint IS NOT NULL")
                .bind("a", accountId)
                .map(r -> r.get("holder_id_fingerprint", byte[].class))
                .one()
                .flatMap(residentIds::findCitizenByIdFingerprint)
                .map(c -> List.of(c.id()))
                .defaultIfEmpty(List.of());
        return Mono.zip(linked, holder, (l, h) -> {
            List<UUID> all = new ArrayList<>(l);
            h.stream().filter(id -> !id.equals(about) && !all.contains(id)).forEach(all::add);
            return List.copyOf(all);
        });
    }

    private static List<UUID> with(List<UUID> to, UUID requester) {
        List<UUID> all = new ArrayList<>(to);
        if (!all.contains(requester)) {
            all.add(requester);
        }
        return all;
    }

    /**
     * Appends the change to the outbox in the caller's transaction (the one that changed the link), so the citizens
     * to tell hear of it even if this instance dies right after the commit. {@code recipients} is read in that
     * transaction too.
     */
    private Mono<Void> announce(UUID accountId, Utility utility, String number, UUID citizen, Change change, String method,
            Mono<List<UUID>> recipients, Instant now) {
        return recipients.flatMap(to -> outbox.append(new AccountLinkChanged(UUID.randomUUID(), accountId, utility, maskNumber(number),
                citizen, change, method, to, now)));
    }

    private Mono<Void> checkLocks(String accountKey, String citizenKey) {
        return limiter.checkLock(accountKey)
                .flatMap(d -> d.allowed() ? limiter.checkLock(citizenKey) : Mono.just(d))
                .flatMap(d -> d.allowed() ? Mono.<Void>empty() : Mono.error(locked(d)));
    }

    /** Audits a failed verification on its own (nothing else is written) and counts it; 429 once a limit is reached. */
    private Mono<Void> failed(UUID citizen, String action, String target, String accountKey, String citizenKey) {
        return audit.record(new AuditEntry(citizen, "CITIZEN", action, target, Outcome.FAILURE))
                .as(tx::transactional)
                .then(recordFailures(accountKey, citizenKey))
                .flatMap(locked -> locked.isPresent() ? Mono.<Void>error(locked.get()) : Mono.<Void>empty());
    }

    /** Counts a failure against both keys; the 429 to answer when either is now locked. */
    private Mono<Optional<ProblemException>> recordFailures(String accountKey, String citizenKey) {
        return Mono.zip(limiter.recordFailure(accountKey, ACCOUNT_FAILURES), limiter.recordFailure(citizenKey, CITIZEN_FAILURES))
                .map(both -> {
                    Decision denied = !both.getT1().allowed() ? both.getT1() : !both.getT2().allowed() ? both.getT2() : null;
                    return denied == null ? Optional.<ProblemException>empty() : Optional.of(locked(denied));
                });
    }

    private static ProblemException locked(Decision d) {
        return ProblemException.tooManyRequests("LINK_ATTEMPTS_LOCKED",
                "Too many failed attempts to link this account or by you; try again later", d.retryAfterSeconds());
    }

    private static ProblemException verificationNotFound(UUID id) {
        return new ProblemException(HttpStatus.NOT_FOUND, "LINK_VERIFICATION_NOT_FOUND", "Not found",
                "There is no link verification " + id + " of yours");
    }

    private Mono<Holder> findHolder(Utility utility, String number) {
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

    private static LinkVerificationView verificationView(Readable r) {
        Method method = Method.valueOf(r.get("method", String.class));
        String phone = r.get("holder_phone", String.class);
        int left = r.get("max_attempts", Integer.class) - r.get("attempts", Integer.class);
        return new LinkVerificationView(r.get("id", UUID.class), r.get("account_id", UUID.class),
                Utility.valueOf(r.get("utility", String.class)), r.get("account_number", String.class), method,
                r.get("status", String.class), method == Method.SMS_CODE && phone != null ? Masking.phone(phone) : null,
                r.get("expires_at", OffsetDateTime.class).toInstant(), method == Method.SMS_CODE ? left : null);
    }

    static String codeText(String code, Holder h) {
        String zh = h.utility() == Utility.WATER ? "水费" : "电费";
        String en = h.utility() == Utility.WATER ? "water" : "electricity";
        return "【OneStop】验证码 " + code + "：有人申请绑定您的" + zh + "账户 " + maskNumber(h.number())
                + "，10 分钟内有效；如非您本人或家人申请，请勿告知任何人。OneStop code " + code + " to link your " + en
                + " account " + maskNumber(h.number()) + "; do not share it.";
    }

    static String maskNumber(String number) {
        return number.length() <= 4 ? "****" : "****" + number.substring(number.length() - 4);
    }

    static byte[] codeHash(UUID verificationId, String code) {
        try {
            return MessageDigest.getInstance("SHA-256").digest((verificationId + ":" + code).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Account numbers are not personal data, but keys stay short and uniform. */
    private static String accountKey(Utility utility, String number) {
        return "link:account:" + utility + ":" + HexFormat.of().formatHex(codeHash(new UUID(0, 0), number.toUpperCase(Locale.ROOT)), 0, 12);
    }

    private static String citizenKey(UUID citizen) {
        return "link:citizen:" + citizen;
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
