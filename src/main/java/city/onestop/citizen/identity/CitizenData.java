package city.onestop.citizen.identity;

import city.onestop.citizen.PersonalData;
import city.onestop.platform.AuditLog;
import city.onestop.platform.AuditLog.AuditEntry;
import city.onestop.platform.AuditLog.Outcome;
import city.onestop.platform.AuditTrail;
import city.onestop.platform.RateLimiter;
import city.onestop.platform.RateLimiter.Lockout;
import city.onestop.platform.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The citizen's own data (docs/citizen.md, "Your data"): everything held about them as one JSON document, collected
 * from every module's {@link PersonalData} and the audit trail; and erasure of the account, in one transaction across
 * the modules: personal data deleted, payments, medical records and audit rows kept under an id that no longer names
 * anyone (the citizen row with phone, name and ID number is deleted; its sessions and codes go with it).
 */
@Service
public class CitizenData {

    static final int AUDIT_ROWS = 10_000;
    static final Lockout WRONG_PASSWORDS = new Lockout(5, Duration.ofHours(1));
    private static final Logger log = LoggerFactory.getLogger(CitizenData.class);

    private final Registrations accounts;
    private final CitizenRepository citizens;
    private final PasswordHasher passwords;
    private final List<PersonalData> modules;
    private final AuditTrail trail;
    private final AuditLog audit;
    private final RateLimiter limiter;
    private final TransactionalOperator tx;
    private final Clock clock;

    CitizenData(Registrations accounts, CitizenRepository citizens, PasswordHasher passwords, List<PersonalData> modules,
            AuditTrail trail, AuditLog audit, RateLimiter limiter, TransactionalOperator tx,
            Clock clock) {
        this.accounts = accounts;
        this.citizens = citizens;
        this.passwords = passwords;
        this.modules = List.copyOf(modules);
        this.trail = trail;
        this.audit = audit;
        this.limiter = limiter;
        this.tx = tx;
        this.clock = clock;
    }

    /** Everything held about the citizen: profile, then one member per module, then the audit rows they caused. */
    public Mono<Map<String, Object>> export(UUID citizenId) {
        return accounts.getCitizen(citizenId).flatMap(profile -> Flux.fromIterable(modules)
                .concatMap(m -> m.export(citizenId).map(part -> Map.entry(m.section(), part)))
                .collectList()
                .zipWith(trail.findByActor(citizenId, AUDIT_ROWS).collectList())
                .map(t -> {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("exportedAt", clock.instant());
                    doc.put("profile", profile);
                    t.getT1().forEach(e -> doc.put(e.getKey(), e.getValue()));
                    doc.put("audit", t.getT2());
                    return doc;
                }))
                .flatMap(doc -> audit.record(new AuditEntry(citizenId, Role.CITIZEN.name(), "PERSONAL_DATA_EXPORTED",
                                "citizen:" + citizenId, Outcome.SUCCESS))
                        .as(tx::transactional)
                        .thenReturn(doc));
    }

    /** Erases the account after checking the password; 403 PASSWORD_INCORRECT (locked for an hour after 5). */
    public Mono<Void> erase(UUID citizenId, String password) {
        String key = "erase:citizen:" + citizenId;
        Instant now = clock.instant();
        return limiter.checkLock(key)
                .flatMap(d -> d.allowed() ? Mono.<Void>empty() : Mono.error(new CitizenError.ErasureLocked(d.retryAfterSeconds())))
                .then(citizens.find(citizenId)
                        .switchIfEmpty(Mono.error(() -> new CitizenError.CitizenNotFound(citizenId))))
                .flatMap(row -> passwords.matches(password == null ? "" : password, row.passwordHash()).flatMap(ok -> ok
                        ? citizens.roles(citizenId)
                        : limiter.recordFailure(key, WRONG_PASSWORDS).then(Mono.error(new CitizenError.PasswordIncorrect()))))
                .flatMap(roles -> roles.contains(Role.ADMIN)
                        ? Mono.error(new CitizenError.AdminNotErasable())
                        : Flux.fromIterable(modules).concatMap(m -> m.erase(citizenId)).then()
                                .then(audit.record(new AuditEntry(citizenId, Role.CITIZEN.name(), "CITIZEN_ERASED",
                                        "citizen:" + citizenId, Outcome.SUCCESS)))
                                .then(citizens.delete(citizenId))
                                .as(tx::transactional)
                                .doOnSuccess(x -> log.info("Citizen {} erased at {}", citizenId, now)));
    }
}
