package city.onestop.billing.account;

import city.onestop.billing.AccountLinkChanged;
import city.onestop.billing.AccountLinkChanged.Change;
import city.onestop.billing.BillingError;
import city.onestop.billing.Utility;
import city.onestop.billing.account.AccountLinkRepository.Attempt;
import city.onestop.billing.account.AccountLinkRepository.Holder;
import city.onestop.citizen.CitizenDirectory;
import city.onestop.citizen.CitizenSummary;
import city.onestop.citizen.ResidentIds;
import city.onestop.platform.Outbox;
import city.onestop.platform.AuditLog;
import city.onestop.platform.AuditLog.AuditEntry;
import city.onestop.platform.AuditLog.Outcome;
import city.onestop.platform.Masking;
import city.onestop.platform.RateLimiter;
import city.onestop.platform.RateLimiter.Decision;
import city.onestop.platform.RateLimiter.Limit;
import city.onestop.platform.RateLimiter.Lockout;
import city.onestop.platform.SmsRejected;
import city.onestop.platform.SmsSender;
import city.onestop.platform.SmsUnavailable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 *
 * <p>The use case: it owns the transactions, the audit rows and the {@link AccountLinkChanged} events, and refuses with
 * {@link BillingError}s; the statements are {@link AccountLinkRepository}'s.
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

    private final AccountLinkRepository repository;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final AuditLog audit;
    private final RateLimiter limiter;
    private final SmsSender sms;
    private final ResidentIds residentIds;
    private final CitizenDirectory citizens;
    private final AccountService accounts;
    private final Outbox outbox;

    AccountLinks(AccountLinkRepository repository, TransactionalOperator tx, Clock clock, AuditLog audit, RateLimiter limiter,
            SmsSender sms, ResidentIds residentIds, CitizenDirectory citizens, AccountService accounts,
            Outbox outbox) {
        this.repository = repository;
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
                .then(repository.findActiveHolder(utility, number))
                .filter(h -> h.name().strip().equalsIgnoreCase(holderName.strip()) && h.idLast4().equalsIgnoreCase(idLast4.strip()))
                .switchIfEmpty(Mono.defer(() -> failed(citizen, "ACCOUNT_LINK_FAILED", utility + ":" + number, accountKey, citizenKey)
                        .then(Mono.error(() -> new BillingError.LinkAccountNotFound(utility)))))
                .flatMap(h -> repository.isLinked(h.id(), citizen).flatMap(linked -> linked
                        ? accounts.getLinked(citizen, h.id()).map(v -> (LinkResult) new LinkResult.Linked(v))
                        : residentIds.findIdFingerprint(citizen)
                                .filter(mine -> h.fingerprint() != null && MessageDigest.isEqual(mine, h.fingerprint()))
                                .flatMap(match -> linkNow(citizen, h, "ID_MATCH"))
                                .switchIfEmpty(Mono.defer(() -> startVerification(citizen, h, preferred, accountKey, citizenKey)))));
    }

    /** Confirms a pending SMS_CODE verification; every wrong code counts against the account, the citizen and the row. */
    public Mono<AccountView> confirmCode(UUID citizen, UUID verificationId, String code) {
        if (code == null || !CODE.matcher(code.strip()).matches()) {
            return Mono.error(new BillingError.InvalidLinkCode());
        }
        String given = code.strip();
        return repository.findVerificationState(citizen, verificationId)
                .switchIfEmpty(Mono.error(() -> new BillingError.LinkVerificationNotFound(verificationId)))
                .flatMap(v -> {
                    if (!Method.SMS_CODE.name().equals(v.method())) {
                        return Mono.error(new BillingError.LinkVerificationClosed(
                                "This link waits for the holder's approval, not for a code"));
                    }
                    String accountKey = accountKey(v.utility(), v.number());
                    String citizenKey = citizenKey(citizen);
                    return checkLocks(accountKey, citizenKey).then(attempt(citizen, verificationId, given, accountKey, citizenKey));
                });
    }

    private Mono<AccountView> attempt(UUID citizen, UUID verificationId, String given, String accountKey, String citizenKey) {
        Instant now = clock.instant();
        return repository.countAttempt(citizen, verificationId, now)
                .flatMap(a -> {
                    if (MessageDigest.isEqual(a.codeHash(), codeHash(verificationId, given))) {
                        return repository.decide(verificationId, "CONFIRMED", now)
                                .then(repository.insertLink(a.accountId(), citizen, "SMS_CODE", now))
                                .flatMap(inserted -> inserted
                                        ? audit.record(new AuditEntry(citizen, "CITIZEN", "ACCOUNT_LINKED", "account:" + a.accountId(),
                                                Outcome.SUCCESS))
                                                .then(announce(a.accountId(), a.utility(), a.number(), citizen, Change.LINKED, "SMS_CODE",
                                                        recipients(a.accountId(), citizen, true), now))
                                                .thenReturn(a)
                                        : Mono.just(a))
                                .map(x -> (Object) x);
                    }
                    Mono<Void> exhausted = a.attempts() >= a.maxAttempts()
                            ? repository.decide(verificationId, "FAILED", now)
                            : Mono.empty();
                    return exhausted
                            .then(audit.record(new AuditEntry(citizen, "CITIZEN", "ACCOUNT_LINK_CODE_FAILED",
                                    "account:" + a.accountId(), Outcome.FAILURE)))
                            .thenReturn((Object) new WrongCode(a.maxAttempts() - a.attempts()));
                })
                .as(tx::transactional)
                .flatMap(result -> {
                    if (result instanceof WrongCode wrong) {
                        return recordFailures(accountKey, citizenKey).flatMap(locked -> Mono.error(locked.isPresent()
                                ? locked.get()
                                : new BillingError.LinkCodeInvalid(wrong.remaining())));
                    }
                    Attempt a = (Attempt) result;
                    return accounts.getLinked(citizen, a.accountId());
                })
                .switchIfEmpty(Mono.defer(() -> whyNotPending(citizen, verificationId, now)));
    }

    private record WrongCode(int remaining) {}

    /** The verification as its requester sees it. */
    public Mono<LinkVerificationView> getVerification(UUID citizen, UUID verificationId) {
        return repository.findVerification(citizen, verificationId)
                .switchIfEmpty(Mono.error(() -> new BillingError.LinkVerificationNotFound(verificationId)));
    }

    /** The citizen removes their own link. */
    public Mono<Void> unlink(UUID citizen, UUID accountId) {
        Instant now = clock.instant();
        return repository.deleteLink(accountId, citizen)
                .switchIfEmpty(Mono.error(() -> new BillingError.AccountNotFound(accountId.toString())))
                .flatMap(acc -> audit.record(new AuditEntry(citizen, "CITIZEN", "ACCOUNT_UNLINKED", "account:" + accountId,
                                Outcome.SUCCESS))
                        .then(announce(accountId, acc.utility(), acc.number(), citizen, Change.UNLINKED, "SELF",
                                recipients(accountId, citizen, true), now)))
                .as(tx::transactional)
                .then();
    }

    // ---- the holder

    /** Link requests waiting for my approval, for accounts whose holder ID is mine. */
    public Flux<ApprovalRequestView> listApprovalRequests(UUID holder) {
        Instant now = clock.instant();
        return residentIds.findIdFingerprint(holder).flatMapMany(fp -> repository.listApprovalRequests(fp, now))
                .concatMap(row -> citizens.findCitizen(row.requester())
                        .defaultIfEmpty(new CitizenSummary(row.requester(), "?", "***"))
                        .map(c -> new ApprovalRequestView(row.id(), row.accountId(), row.utility(), row.number(), c.realName(),
                                c.maskedPhone(), row.requestedAt(), row.expiresAt())));
    }

    /** The holder approves or refuses a request to link one of their accounts. */
    public Mono<Void> decideApproval(UUID holder, UUID verificationId, boolean approve) {
        Instant now = clock.instant();
        return residentIds.findIdFingerprint(holder)
                .flatMap(fp -> repository.decideApproval(fp, verificationId, approve ? "CONFIRMED" : "REJECTED", now))
                .switchIfEmpty(Mono.error(() -> new BillingError.LinkRequestNotFound(verificationId)))
                .flatMap(row -> {
                    UUID accountId = row.accountId();
                    UUID requester = row.requester();
                    Mono<Boolean> linked = approve ? repository.insertLink(accountId, requester, "HOLDER_APPROVAL", now) : Mono.just(false);
                    return linked.flatMap(inserted -> audit.record(new AuditEntry(holder, "CITIZEN",
                                            approve ? "ACCOUNT_LINK_APPROVED" : "ACCOUNT_LINK_REFUSED",
                                            "account:" + accountId + " citizen:" + requester, Outcome.SUCCESS))
                                    .then(inserted
                                            ? announce(accountId, row.utility(), row.number(), requester, Change.LINKED,
                                                    "HOLDER_APPROVAL", recipients(accountId, requester, true).map(to -> with(to, requester)), now)
                                            : Mono.empty()))
                            .as(tx::transactional);
                })
                .then();
    }

    /** The accounts I hold (my verified ID is the holder's) with everyone linked to them. */
    public Flux<HeldAccountView> listHeld(UUID holder) {
        return residentIds.findIdFingerprint(holder).flatMapMany(repository::listHeld)
                .concatMap(row -> row.citizenId() == null
                        ? Mono.just(new HeldLink(row, null))
                        : citizens.findCitizen(row.citizenId())
                                .defaultIfEmpty(new CitizenSummary(row.citizenId(), "?", "***"))
                                .map(c -> new HeldLink(row, new LinkedCitizenView(c.id(), c.realName(), c.maskedPhone(),
                                        row.method(), row.linkedAt()))))
                .bufferUntilChanged(pair -> pair.row().accountId())
                .map(group -> {
                    AccountLinkRepository.HeldRow first = group.get(0).row();
                    List<LinkedCitizenView> links = new ArrayList<>();
                    group.forEach(pair -> {
                        if (pair.link() != null) {
                            links.add(pair.link());
                        }
                    });
                    return new HeldAccountView(first.accountId(), first.utility(), first.number(), first.serviceAddress(),
                            List.copyOf(links));
                });
    }

    private record HeldLink(AccountLinkRepository.HeldRow row, @Nullable LinkedCitizenView link) {}

    /** The holder removes someone's link to an account they hold; the removed citizen is told. */
    public Mono<Void> revoke(UUID holder, UUID accountId, UUID citizenId) {
        Instant now = clock.instant();
        return residentIds.findIdFingerprint(holder)
                .flatMap(fp -> repository.deleteHeldLink(fp, accountId, citizenId))
                .switchIfEmpty(Mono.error(() -> new BillingError.LinkNotFound(accountId, citizenId)))
                .flatMap(acc -> audit.record(new AuditEntry(holder, "CITIZEN", "ACCOUNT_LINK_REVOKED",
                                "account:" + accountId + " citizen:" + citizenId, Outcome.SUCCESS))
                        .then(announce(accountId, acc.utility(), acc.number(), citizenId, Change.REVOKED, "HOLDER",
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
                    return Mono.error(new BillingError.LinkApprovalUnavailable());
                }
                return startApproval(citizen, h, ((CitizenSummary) found).id());
            }
            if (h.phone() == null) {
                return Mono.error(new BillingError.LinkVerificationUnavailable());
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
                .flatMap(d -> d.allowed() ? Mono.<Void>empty() : Mono.error(new BillingError.LinkCodesExhausted(d.retryAfterSeconds())))
                .then(repository.cancelPending(citizen, h.id(), now)
                        .then(repository.insertCodeVerification(id, h.id(), citizen, codeHash(id, code), CODE_ATTEMPTS, now,
                                now.plus(CODE_LIFETIME)))
                        .as(tx::transactional))
                .then(sms.send(h.phone(), codeText(code, h), "link-verification:" + id)
                        .onErrorResume(e -> e instanceof SmsRejected || e instanceof SmsUnavailable, e -> repository
                                .decide(id, "CANCELLED", now)
                                .as(tx::transactional)
                                .then(Mono.error(e instanceof SmsRejected
                                        ? new BillingError.LinkSmsRejected()
                                        : new BillingError.LinkSmsUnavailable()))))
                .thenReturn(new LinkResult.Pending(new LinkVerificationView(id, h.id(), h.utility(), h.number(), Method.SMS_CODE,
                        "PENDING", Masking.phone(h.phone()), now.plus(CODE_LIFETIME), CODE_ATTEMPTS)));
    }

    private Mono<LinkResult> startApproval(UUID citizen, Holder h, UUID holderCitizen) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        return repository.cancelPending(citizen, h.id(), now)
                .then(repository.insertApprovalVerification(id, h.id(), citizen, now, now.plus(APPROVAL_LIFETIME)))
                .then(announce(h.id(), h.utility(), h.number(), citizen, Change.APPROVAL_REQUESTED, "HOLDER_APPROVAL",
                        Mono.just(List.of(holderCitizen)), now))
                .as(tx::transactional)
                .thenReturn(new LinkResult.Pending(new LinkVerificationView(id, h.id(), h.utility(), h.number(),
                        Method.HOLDER_APPROVAL, "PENDING", null, now.plus(APPROVAL_LIFETIME), null)));
    }

    private Mono<AccountView> whyNotPending(UUID citizen, UUID verificationId, Instant now) {
        return getVerification(citizen, verificationId).flatMap(v -> Mono.error(switch (v.status()) {
            case "PENDING" -> v.expiresAt().isAfter(now)
                    ? new BillingError.LinkVerificationClosed("No attempts are left for this code; request a new one")
                    : new BillingError.LinkCodeExpired();
            case "CONFIRMED" -> new BillingError.LinkVerificationClosed("This link is already confirmed");
            default -> new BillingError.LinkVerificationClosed("This verification is " + v.status() + "; request a new one");
        }));
    }

    private Mono<LinkResult> linkNow(UUID citizen, Holder h, String method) {
        Instant now = clock.instant();
        return repository.insertLink(h.id(), citizen, method, now)
                .flatMap(inserted -> inserted
                        ? audit.record(new AuditEntry(citizen, "CITIZEN", "ACCOUNT_LINKED", "account:" + h.id(), Outcome.SUCCESS))
                                .then(announce(h.id(), h.utility(), h.number(), citizen, Change.LINKED, method,
                                        recipients(h.id(), citizen, true), now))
                        : Mono.empty())
                .as(tx::transactional)
                .then(accounts.getLinked(citizen, h.id()))
                .map(LinkResult.Linked::new);
    }

    /** Who hears of a change to the account: the other linked citizens and its holder on OneStop, never {@code about}. */
    private Mono<List<UUID>> recipients(UUID accountId, UUID about, boolean includeHolder) {
        Mono<List<UUID>> linked = repository.listLinkedCitizens(accountId, about);
        Mono<List<UUID>> holder = !includeHolder ? Mono.just(List.of()) : repository.findHolderFingerprint(accountId)
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

    /** Counts a failure against both keys; the lockout to answer when either is now locked. */
    private Mono<Optional<BillingError>> recordFailures(String accountKey, String citizenKey) {
        return Mono.zip(limiter.recordFailure(accountKey, ACCOUNT_FAILURES), limiter.recordFailure(citizenKey, CITIZEN_FAILURES))
                .map(both -> {
                    Decision denied = !both.getT1().allowed() ? both.getT1() : !both.getT2().allowed() ? both.getT2() : null;
                    return denied == null ? Optional.<BillingError>empty() : Optional.of(locked(denied));
                });
    }

    private static BillingError locked(Decision d) {
        return new BillingError.LinkAttemptsLocked(d.retryAfterSeconds());
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
}
