package city.onestop.citizen.identity;

import city.onestop.citizen.CitizenDirectory;
import city.onestop.citizen.CitizenRegistered;
import city.onestop.citizen.CitizenSummary;
import city.onestop.platform.AuditLog;
import city.onestop.platform.AuditLog.AuditEntry;
import city.onestop.platform.AuditLog.Outcome;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.Masking;
import city.onestop.platform.Role;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Accounts: sign-up (one transaction with its audit row; {@code CitizenRegistered} after the commit), the seeded
 * accounts of the demo and the administrators, the profile read behind {@code /me}, and role changes by an
 * administrator. Errors are {@link CitizenError}s.
 */
@Service
public class Registrations implements CitizenDirectory {

    private final CitizenRepository citizens;
    private final PasswordHasher passwords;
    private final IdNumberProtector idNumbers;
    private final TransactionalOperator tx;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final AuditLog audit;

    Registrations(CitizenRepository citizens, PasswordHasher passwords, IdNumberProtector idNumbers, TransactionalOperator tx,
            ApplicationEventPublisher events, Clock clock, AuditLog audit) {
        this.citizens = citizens;
        this.passwords = passwords;
        this.idNumbers = idNumbers;
        this.tx = tx;
        this.events = events;
        this.clock = clock;
        this.audit = audit;
    }

    public Mono<Citizen> register(NewCitizen request) {
        return ResidentIdNumber.normalize(request.idNumber())
                .map(idNumber -> register(request, idNumber))
                .orElseGet(() -> Mono.error(new CitizenError.InvalidIdNumber()));
    }

    private Mono<Citizen> register(NewCitizen request, String idNumber) {
        UUID id = UUID.randomUUID();
        // PostgreSQL keeps microseconds: answer with what will be read back later.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String realName = request.realName().strip();
        Set<Role> roles = Set.of(Role.CITIZEN);
        return passwords.hash(request.password())
                .flatMap(hash -> citizens.insert(id, request.phone(), hash, realName, idNumbers.encrypt(idNumber),
                        idNumbers.fingerprint(idNumber), ResidentIdNumber.mask(idNumber), roles, now))
                .then(audit.record(new AuditEntry(id, Role.CITIZEN.name(), "CITIZEN_REGISTERED",
                        "phone:" + Masking.phone(request.phone()), Outcome.SUCCESS)))
                .as(tx::transactional)
                .then(Mono.fromSupplier(() -> {
                    events.publishEvent(new CitizenRegistered(id, now));
                    return new Citizen(id, request.phone(), realName, ResidentIdNumber.mask(idNumber), roles, now);
                }));
    }

    public Mono<Citizen> getCitizen(UUID id) {
        return citizens.find(id)
                .switchIfEmpty(Mono.error(() -> new CitizenError.CitizenNotFound(id)))
                .flatMap(row -> citizens.roles(id).map(roles -> new Citizen(row.id(), row.phone(), row.realName(),
                        row.idNumberMasked(), roles, row.createdAt())));
    }

    /** Replaces a citizen's roles, audited as {@code ROLES_CHANGED} by {@code admin} in the same transaction. */
    public Mono<Citizen> replaceRoles(CurrentUser admin, UUID id, Set<Role> roles) {
        String target = "citizen:" + id + " roles=" + roles.stream().map(Enum::name).sorted().toList();
        return citizens.replaceRoles(id, roles, clock.instant())
                .flatMap(found -> found
                        ? audit.record(AuditEntry.of(admin, "ROLES_CHANGED", target, Outcome.SUCCESS)).then(getCitizen(id))
                        : Mono.error(new CitizenError.CitizenNotFound(id)))
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
}
