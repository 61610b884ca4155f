package city.onestop.citizen.identity;

import city.onestop.citizen.CitizenDirectory;
import city.onestop.citizen.CitizenRegistered;
import city.onestop.citizen.CitizenSummary;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.AuditLog;
import city.onestop.platform.AuditLog.AuditEntry;
import city.onestop.platform.AuditLog.Outcome;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.Masking;
import city.onestop.platform.ProblemException;
import city.onestop.platform.RateLimiter;
import city.onestop.platform.RateLimiter.Decision;
import city.onestop.platform.Role;
import io.r2dbc.postgresql.api.PostgresqlException;
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
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** Registration, login, token refresh and logout, and the reads behind {@code /me} and the admin endpoints. */
@Service
public class CitizenAccounts implements CitizenDirectory {

    private static final Logger log = LoggerFactory.getLogger(CitizenAccounts.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CitizenRepository citizens;
    private final RefreshTokenRepository refreshTokens;
    private final PasswordHasher passwords;
    private final IdNumberProtector idNumbers;
    private final AccessTokens accessTokens;
    private final RateLimiter limiter;
    private final LoginLimits limits;
    private final TransactionalOperator tx;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Duration refreshLifetime;
    private final AuditLog audit;

    CitizenAccounts(CitizenRepository citizens, RefreshTokenRepository refreshTokens, PasswordHasher passwords,
            IdNumberProtector idNumbers, AccessTokens accessTokens, RateLimiter limiter, LoginLimits limits,
            ReactiveTransactionManager transactions, ApplicationEventPublisher events, Clock clock,
            @Value("${onestop.security.jwt.refresh-token-lifetime:30d}") Duration refreshLifetime, AuditLog audit) {
        this.citizens = citizens;
        this.refreshTokens = refreshTokens;
        this.passwords = passwords;
        this.idNumbers = idNumbers;
        this.accessTokens = accessTokens;
        this.limiter = limiter;
        this.limits = limits;
        this.tx = TransactionalOperator.create(transactions);
        this.events = events;
        this.clock = clock;
        this.refreshLifetime = refreshLifetime;
        this.audit = audit;
    }

    public Mono<Citizen> register(NewCitizen request) {
        return ResidentIdNumber.normalize(request.idNumber())
                .map(idNumber -> register(request, idNumber))
                .orElseGet(() -> Mono.error(ProblemException.badRequest("INVALID_ID_NUMBER", "The ID number is not valid")));
    }

    private Mono<Citizen> register(NewCitizen request, String idNumber) {
        UUID id = UUID.randomUUID();
        // PostgreSQL keeps microseconds: answer with what will be read back later.
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        String realName = request.realName().strip();
        Set<Role> roles = Set.of(Role.CITIZEN);
        return passwords.hash(request.password())
                .flatMap(hash -> citizens.insert(id, request.phone(), hash, realName, idNumbers.encrypt(idNumber),
                        idNumbers.fingerprint(idNumber), ResidentIdNumber.mask(idNumber), roles, now))
                .then(audit.record(new AuditEntry(id, Role.CITIZEN.name(), "CITIZEN_REGISTERED", phoneTarget(request.phone()),
                        Outcome.SUCCESS)))
                .as(tx::transactional)
                .onErrorMap(DataIntegrityViolationException.class, CitizenAccounts::duplicate)
                .then(Mono.fromSupplier(() -> {
                    events.publishEvent(new CitizenRegistered(id, now));
                    return new Citizen(id, request.phone(), realName, ResidentIdNumber.mask(idNumber), roles, now);
                }));
    }

    public Mono<IssuedTokens> login(String phone, String password, String clientAddress) {
        String phoneKey = "login:phone:" + digestHex(phone);
        return limiter.checkLock(phoneKey)
                .flatMap(lock -> lock.allowed() ? Mono.empty() : Mono.error(locked(lock)))
                .then(limiter.tryAcquire("login:ip:" + clientAddress, limits.perIp()))
                .flatMap(d -> d.allowed() ? Mono.empty() : Mono.error(tooMany(d, "this address")))
                .then(limiter.tryAcquire(phoneKey, limits.perPhone()))
                .flatMap(d -> d.allowed() ? Mono.empty() : Mono.error(tooMany(d, "this phone number")))
                // Refused before the password was looked at: audited on its own, as nothing else is written.
                .onErrorResume(ProblemException.class, e -> audit.record(new AuditEntry(null, null, "LOGIN_DENIED",
                                phoneTarget(phone), Outcome.DENIED))
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
        Mono<Void> audited = audit.record(new AuditEntry(citizenId, null, "LOGIN_FAILED", phoneTarget(phone),
                        Outcome.FAILURE))
                .as(tx::transactional);
        return audited.then(limiter.recordFailure(phoneKey, limits.lockout())).flatMap(decision -> Mono.error(decision.allowed()
                ? new ProblemException(HttpStatus.UNAUTHORIZED, "INVALID_CREDENTIALS", "Invalid credentials",
                        "The phone number or password is wrong",
                        decision.failedOpen() ? Map.of() : Map.of("remainingAttempts", decision.remaining()))
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

    public Mono<Citizen> getCitizen(UUID id) {
        return citizens.find(id)
                .switchIfEmpty(Mono.error(() -> new ProblemException(HttpStatus.NOT_FOUND, "CITIZEN_NOT_FOUND", "Not found",
                        "There is no citizen " + id)))
                .flatMap(row -> citizens.roles(id).map(roles -> new Citizen(row.id(), row.phone(), row.realName(),
                        row.idNumberMasked(), roles, row.createdAt())));
    }

    /** Replaces a citizen's roles, audited as {@code ROLES_CHANGED} by {@code admin} in the same transaction. */
    public Mono<Citizen> replaceRoles(CurrentUser admin, UUID id, Set<Role> roles) {
        String target = "citizen:" + id + " roles=" + roles.stream().map(Enum::name).sorted().toList();
        return citizens.replaceRoles(id, roles, clock.instant())
                .flatMap(found -> found
                        ? audit.record(AuditEntry.of(admin, "ROLES_CHANGED", target, Outcome.SUCCESS)).then(getCitizen(id))
                        : Mono.error(new ProblemException(HttpStatus.NOT_FOUND, "CITIZEN_NOT_FOUND", "Not found",
                                "There is no citizen " + id)))
                .as(tx::transactional);
    }

    /**
     * Creates the account with {@code phone} unless it exists, then makes sure it holds {@code roles}; the password
     * of an existing account is left alone. Returns true when the account was created.
     */
    public Mono<Boolean> ensureAccount(String phone, String password, String realName, String idNumber, Set<Role> roles) {
        Instant now = clock.instant();
        UUID newId = UUID.randomUUID();
        String normalized = idNumber == null ? null : ResidentIdNumber.normalize(idNumber).orElse(null);
        if (idNumber != null && normalized == null) {
            return Mono.error(new IllegalArgumentException("Invalid ID number for " + phone));
        }
        return passwords.hash(password)
                .flatMap(hash -> citizens.ensure(newId, phone, hash, realName,
                        normalized == null ? null : idNumbers.encrypt(normalized),
                        normalized == null ? null : idNumbers.fingerprint(normalized),
                        normalized == null ? null : ResidentIdNumber.mask(normalized), roles, now))
                .map(newId::equals)
                .doOnNext(created -> {
                    // Seeded accounts are registrations too: features that prepare data for a citizen hear of them.
                    if (created) {
                        events.publishEvent(new CitizenRegistered(newId, now));
                    }
                });
    }

    @Override
    public Mono<CitizenSummary> findCitizen(UUID id) {
        return citizens.find(id).map(row -> new CitizenSummary(row.id(), row.realName(), maskPhone(row.phone())));
    }

    static String maskPhone(String phone) {
        return phone.length() == 11 ? phone.substring(0, 3) + "****" + phone.substring(7) : "***";
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
        ProblemException invalid = new ProblemException(HttpStatus.UNAUTHORIZED, "INVALID_REFRESH_TOKEN",
                "Invalid refresh token", "The refresh token is unknown, expired, used or revoked; log in again");
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
                .then(Mono.error(invalid));
    }

    private static ProblemException locked(Decision decision) {
        return new ProblemException(HttpStatus.TOO_MANY_REQUESTS, "LOGIN_LOCKED", "Too many failed logins",
                "Too many failed logins for this phone number; try again later",
                Map.of("retryAfterSeconds", decision.retryAfterSeconds()));
    }

    private static ProblemException tooMany(Decision decision, String what) {
        return ProblemException.tooManyRequests("TOO_MANY_LOGIN_ATTEMPTS",
                "Too many login attempts from " + what + "; try again later", decision.retryAfterSeconds());
    }

    private static Throwable duplicate(DataIntegrityViolationException e) {
        String constraint = constraintName(e);
        if (constraint.contains("citizen_phone_key")) {
            return ProblemException.conflict("PHONE_TAKEN", "A citizen with this phone number is already registered");
        }
        if (constraint.contains("citizen_id_number_hash_key")) {
            return ProblemException.conflict("ID_NUMBER_TAKEN", "A citizen with this ID number is already registered");
        }
        return e;
    }

    private static String constraintName(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PostgresqlException pg && pg.getErrorDetails().getConstraintName().isPresent()) {
                return pg.getErrorDetails().getConstraintName().get();
            }
        }
        return String.valueOf(e.getMessage());
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
