package city.onestop.citizen.identity;

import city.onestop.platform.AuditLog;
import city.onestop.platform.AuditLog.AuditEntry;
import city.onestop.platform.AuditLog.Outcome;
import city.onestop.platform.Masking;
import city.onestop.platform.RateLimiter;
import city.onestop.platform.RateLimiter.Limit;
import city.onestop.platform.RateLimiter.Lockout;
import city.onestop.platform.SmsSender;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Password reset by a code texted to the citizen's phone (docs/citizen.md, "Password reset"). Asking never reveals
 * whether the phone is registered (always 202). Codes are 6 digits, valid 10 minutes, 5 attempts, single use,
 * kept as SHA-256 with the reset's id. A successful reset sets the password and revokes every session (refresh
 * token) of the citizen in one transaction with its audit row.
 */
@Service
public class PasswordResets {

    static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
    static final int CODE_ATTEMPTS = 5;
    static final Limit REQUESTS_PER_PHONE = new Limit(3, Duration.ofHours(1));
    static final Limit REQUESTS_PER_ADDRESS = new Limit(20, Duration.ofHours(1));
    static final Lockout FAILURES_PER_PHONE = new Lockout(10, Duration.ofHours(1));
    private static final Pattern CODE = Pattern.compile("[0-9]{6}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger log = LoggerFactory.getLogger(PasswordResets.class);

    private final CitizenRepository citizens;
    private final PasswordResetRepository resets;
    private final PasswordHasher passwords;
    private final SmsSender sms;
    private final RateLimiter limiter;
    private final AuditLog audit;
    private final TransactionalOperator tx;
    private final Clock clock;

    PasswordResets(CitizenRepository citizens, PasswordResetRepository resets, PasswordHasher passwords, SmsSender sms,
            RateLimiter limiter, AuditLog audit, TransactionalOperator tx, Clock clock) {
        this.citizens = citizens;
        this.resets = resets;
        this.passwords = passwords;
        this.sms = sms;
        this.limiter = limiter;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    /** Texts a code when the phone belongs to a citizen; answers the same either way. The expiry is returned. */
    public Mono<Duration> request(String phone, String clientAddress) {
        return limiter.tryAcquire("reset:ip:" + clientAddress, REQUESTS_PER_ADDRESS)
                .flatMap(d -> d.allowed() ? limiter.tryAcquire(phoneKey(phone), REQUESTS_PER_PHONE) : Mono.just(d))
                .flatMap(d -> d.allowed() ? Mono.<Void>empty() : Mono.error(
                        new CitizenError.PasswordResetLimited(d.retryAfterSeconds())))
                .then(citizens.findCredentials(phone))
                .flatMap(c -> open(c.id(), phone))
                .thenReturn(CODE_LIFETIME);
    }

    private Mono<Void> open(UUID citizenId, String phone) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String code = String.format("%06d", RANDOM.nextInt(1_000_000));
        String text = "【OneStop】密码重置验证码 " + code + "，10 分钟内有效；如非本人操作请忽略，切勿告知他人。"
                + "OneStop password reset code " + code + "; valid 10 minutes. Do not share it.";
        return resets.open(id, citizenId, hash(id, code), CODE_ATTEMPTS, now, now.plus(CODE_LIFETIME))
                .then(audit.record(new AuditEntry(citizenId, null, "PASSWORD_RESET_REQUESTED", "phone:" + Masking.phone(phone),
                        Outcome.SUCCESS)))
                .as(tx::transactional)
                .then(sms.send(SmsSender.chinaMobile(phone), text, "password-reset:" + id))
                // The answer must not tell a registered phone from another, so a failed send is logged and counted,
                // not reported: the citizen asks again after the minute the text did not arrive.
                .doOnError(e -> log.warn("Password reset code for {} not sent: {}", Masking.phone(phone), e.getMessage()))
                .onErrorResume(e -> Mono.empty())
                .then();
    }

    /**
     * Sets a new password with the code; revokes all sessions. A wrong code, an unknown phone and a spent or
     * expired code are the same 422, so phones cannot be probed; failures per phone are locked after 10.
     */
    public Mono<Void> confirm(String phone, String code, String newPassword) {
        if (code == null || !CODE.matcher(code.strip()).matches()) {
            return Mono.error(invalid());
        }
        String given = code.strip();
        Instant now = clock.instant();
        String failures = phoneKey(phone) + ":failures";
        return limiter.checkLock(failures)
                .flatMap(d -> d.allowed() ? Mono.<Void>empty() : Mono.error(
                        new CitizenError.PasswordResetLocked(d.retryAfterSeconds())))
                .then(citizens.findCredentials(phone)
                        .flatMap(c -> resets.countAttempt(c.id(), now)
                                .flatMap(a -> MessageDigest.isEqual(a.codeHash(), hash(a.id(), given))
                                        ? reset(a, phone, newPassword, now).thenReturn(true)
                                        : audit.record(new AuditEntry(a.citizenId(), null, "PASSWORD_RESET_FAILED",
                                                        "phone:" + Masking.phone(phone), Outcome.FAILURE))
                                                .thenReturn(false))
                                .as(tx::transactional))
                        .defaultIfEmpty(false))
                .flatMap(done -> done ? Mono.<Void>empty() : limiter.recordFailure(failures, FAILURES_PER_PHONE)
                        .flatMap(d -> Mono.<Void>error(d.allowed() ? invalid()
                                : new CitizenError.PasswordResetLocked(d.retryAfterSeconds()))));
    }

    private Mono<Void> reset(PasswordResetRepository.Attempt a, String phone, String newPassword, Instant now) {
        return resets.use(a.id(), now).flatMap(used -> !used
                ? Mono.error(invalid())
                : passwords.hash(newPassword)
                        .flatMap(hash -> resets.updatePassword(a.citizenId(), hash))
                        .then(resets.revokeAllSessions(a.citizenId(), now))
                        .flatMap(revoked -> audit.record(new AuditEntry(a.citizenId(), null, "PASSWORD_RESET",
                                "phone:" + Masking.phone(phone) + " sessions-revoked:" + revoked, Outcome.SUCCESS))));
    }

    private static CitizenError invalid() {
        return new CitizenError.PasswordResetCodeInvalid();
    }

    static byte[] hash(UUID id, String code) {
        return Sessions.digest(id + ":" + code);
    }

    /** Phone numbers are personal data: Redis keys carry a digest. */
    private static String phoneKey(String phone) {
        return "reset:phone:" + HexFormat.of().formatHex(Sessions.digest("onestop-reset:" + phone), 0, 16);
    }
}
