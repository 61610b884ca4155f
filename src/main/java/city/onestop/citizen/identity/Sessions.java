package city.onestop.citizen.identity;

import city.onestop.platform.AccessTokens;
import city.onestop.platform.AuditLog;
import city.onestop.platform.AuditLog.AuditEntry;
import city.onestop.platform.AuditLog.Outcome;
import city.onestop.platform.Masking;
import city.onestop.platform.ProblemException;
import city.onestop.platform.RateLimiter;
import city.onestop.platform.RateLimiter.Decision;
import city.onestop.platform.Role;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Sign-in, token refresh and sign-out. A session is a family of refresh tokens: each refresh spends one and issues
 * the next in one transaction with its audit row; a spent token presented again ends the whole family. Sign-in is
 * throttled per address and per phone and locked after repeated failures (Redis, {@link RateLimiter}).
 */
@Service
public class Sessions {

    private static final Logger log = LoggerFactory.getLogger(Sessions.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CitizenRepository citizens;
    private final RefreshTokenRepository refreshTokens;
    private final PasswordHasher passwords;
    private final AccessTokens accessTokens;
    private final RateLimiter limiter;
    private final LoginLimits limits;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final Duration refreshLifetime;
    private final AuditLog audit;

    Sessions(CitizenRepository citizens, RefreshTokenRepository refreshTokens, PasswordHasher passwords, AccessTokens accessTokens,
            RateLimiter limiter, LoginLimits limits, TransactionalOperator tx, Clock clock,
            @Value("${onestop.security.jwt.refresh-token-lifetime:30d}") Duration refreshLifetime, AuditLog audit) {
        this.citizens = citizens;
        this.refreshTokens = refreshTokens;
        this.passwords = passwords;
        this.accessTokens = accessTokens;
        this.limiter = limiter;
        this.limits = limits;
        this.tx = tx;
        this.clock = clock;
        this.refreshLifetime = refreshLifetime;
        this.audit = audit;
    }

    public Mono<IssuedTokens> login(String phone, String password, String clientAddress) {
        String phoneKey = "login:phone:" + digestHex(phone);
        return limiter.checkLock(phoneKey)
                .flatMap(lock -> lock.allowed() ? Mono.empty() : Mono.error(locked(lock)))
                .then(limiter.tryAcquire("login:ip:" + clientAddress, limits.perIp()))
                .flatMap(d -> d.allowed() ? Mono.empty() : Mono.error(new CitizenError.TooManyLoginAttempts("this address",
                        d.retryAfterSeconds())))
                .then(limiter.tryAcquire(phoneKey, limits.perPhone()))
                .flatMap(d -> d.allowed() ? Mono.empty() : Mono.error(new CitizenError.TooManyLoginAttempts("this phone number",
                        d.retryAfterSeconds())))
                // Refused before the password was looked at: audited on its own, as nothing else is written.
                .onErrorResume(e -> e instanceof CitizenError || e instanceof ProblemException,
                        e -> audit.record(new AuditEntry(null, null, "LOGIN_DENIED", phoneTarget(phone), Outcome.DENIED))
                                .as(tx::transactional)
                                .then(Mono.error(e)))
                .then(citizens.findCredentials(phone)
                        .map(c -> Map.entry(c.id(), c.passwordHash()))
                        .defaultIfEmpty(Map.entry(new UUID(0, 0), "")))
                .flatMap(found -> {
                    boolean exists = !found.getValue().isEmpty();
                    return passwords.matches(password, exists ? found.getValue() : null)
                            .flatMap(ok -> ok
                                    ? limiter.resetFailures(phoneKey).then(startSession(found.getKey(), phone))
                                    : failedLogin(phoneKey, exists ? found.getKey() : null, phone));
                });
    }

    private Mono<IssuedTokens> failedLogin(String phoneKey, UUID citizenId, String phone) {
        // The failure writes nothing else, so its audit row commits on its own.
        Mono<Void> audited = audit.record(new AuditEntry(citizenId, null, "LOGIN_FAILED", phoneTarget(phone), Outcome.FAILURE))
                .as(tx::transactional);
        return audited.then(limiter.recordFailure(phoneKey, limits.lockout())).flatMap(decision -> Mono.error(decision.allowed()
                ? new CitizenError.InvalidCredentials(decision.failedOpen() ? Map.of() : Map.of("remainingAttempts", decision.remaining()))
                : locked(decision)));
    }

    /** Rotates a refresh token: the presented one is spent, a new one of the same session is returned. */
    public Mono<IssuedTokens> refresh(String refreshToken) {
        byte[] hash = digest(refreshToken);
        Instant now = clock.instant();
        return refreshTokens.consume(hash, now)
                .flatMap(use -> citizens.roles(use.citizenId()).flatMap(roles -> issue(use.citizenId(), use.familyId(), roles, now)
                        .flatMap(tokens -> audit.record(new AuditEntry(use.citizenId(), primaryRole(roles), "TOKEN_REFRESHED",
                                        "session:" + use.familyId(), Outcome.SUCCESS))
                                .thenReturn(tokens))))
                .as(tx::transactional)
                .switchIfEmpty(Mono.defer(() -> rejectRefresh(hash, now)));
    }

    /** Ends the session the refresh token belongs to (all its rotations). Unknown tokens are ignored: logout is idempotent. */
    public Mono<Void> logout(String refreshToken) {
        Instant now = clock.instant();
        return refreshTokens.find(digest(refreshToken))
                .flatMap(known -> refreshTokens.revokeFamily(known.familyId(), now)
                        .then(audit.record(new AuditEntry(known.citizenId(), null, "LOGOUT", "session:" + known.familyId(),
                                Outcome.SUCCESS))))
                .as(tx::transactional)
                .then();
    }

    private Mono<IssuedTokens> startSession(UUID citizenId, String phone) {
        Instant now = clock.instant();
        UUID familyId = UUID.randomUUID();
        return citizens.roles(citizenId)
                .flatMap(roles -> issue(citizenId, familyId, roles, now)
                        .flatMap(tokens -> audit.record(new AuditEntry(citizenId, primaryRole(roles), "LOGIN",
                                        phoneTarget(phone) + " session:" + familyId, Outcome.SUCCESS))
                                .thenReturn(tokens)))
                .as(tx::transactional);
    }

    private static String phoneTarget(String phone) {
        return "phone:" + Masking.phone(phone);
    }

    private static String primaryRole(Set<Role> roles) {
        return roles.stream().map(Enum::name).sorted().findFirst().orElse(null);
    }

    private Mono<IssuedTokens> issue(UUID citizenId, UUID familyId, Set<Role> roles, Instant now) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String refresh = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        AccessTokens.IssuedToken access = accessTokens.issue(citizenId, roles.isEmpty() ? EnumSet.noneOf(Role.class) : roles);
        return refreshTokens.insert(digest(refresh), citizenId, familyId, now, now.plus(refreshLifetime))
                .thenReturn(IssuedTokens.bearer(access.value(), refresh, access.expiresInSeconds()));
    }

    private Mono<IssuedTokens> rejectRefresh(byte[] hash, Instant now) {
        return refreshTokens.find(hash)
                .filter(RefreshTokenRepository.Known::revoked)
                // A spent token presented again means it was copied: end the whole session, thief and owner alike.
                .flatMap(known -> refreshTokens.revokeFamily(known.familyId(), now).doOnNext(n -> {
                            if (n > 0) {
                                log.warn("Refresh token reuse: revoked session {} ({} live tokens)", known.familyId(), n);
                            }
                        })
                        .then(audit.record(new AuditEntry(known.citizenId(), null, "REFRESH_TOKEN_REUSED",
                                "session:" + known.familyId(), Outcome.DENIED)))
                        .as(tx::transactional))
                .then(Mono.error(new CitizenError.InvalidRefreshToken()));
    }

    private static CitizenError locked(Decision decision) {
        return new CitizenError.LoginLocked(decision.retryAfterSeconds());
    }

    static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Phone numbers are personal data: Redis keys carry a digest, not the number. */
    private static String digestHex(String value) {
        return HexFormat.of().formatHex(digest("onestop-login:" + value), 0, 16);
    }
}
