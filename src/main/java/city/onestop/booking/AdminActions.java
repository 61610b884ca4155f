package city.onestop.booking;

import city.onestop.platform.AuditLog;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.Role;
import java.time.Clock;
import java.time.LocalTime;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** What city administrators do in booking: register hospitals, assign staff, lift booking suspensions; each one audited transaction. */
@Service
public class AdminActions {

    /** A hospital to register, as the administrator describes it. */
    public record NewHospital(String name, String address, Double lat, Double lon, String level, String phone, String zone,
            int releaseDaysAhead, LocalTime releaseTime, int cancelDeadlineDaysBefore) {}

    private final CatalogueRepository catalogue;
    private final PeopleRepository people;
    private final AuditLog audit;
    private final TransactionalOperator tx;
    private final Clock clock;

    AdminActions(CatalogueRepository catalogue, PeopleRepository people, AuditLog audit, TransactionalOperator tx, Clock clock) {
        this.catalogue = catalogue;
        this.people = people;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    private Mono<Void> audited(UUID admin, String action, String target) {
        return audit.record(new AuditLog.AuditEntry(admin, Role.ADMIN.name(), action, target, AuditLog.Outcome.SUCCESS));
    }

    public Mono<Views.Hospital> createHospital(NewHospital hospital) {
        return CurrentUser.get().flatMap(admin -> catalogue.createHospital(UUID.randomUUID(), hospital, clock.instant())
                .flatMap(created -> audited(admin.id(), "HOSPITAL_CREATED", "hospital:" + created.id()).thenReturn(created))
                .as(tx::transactional));
    }

    public Mono<Void> assignStaff(UUID hospitalId, UUID citizenId) {
        return CurrentUser.get().flatMap(admin -> people.assignStaff(citizenId, hospitalId, clock.instant())
                .then(audited(admin.id(), "STAFF_ASSIGNED", "citizen:" + citizenId + " hospital:" + hospitalId))
                .as(tx::transactional));
    }

    public Mono<Void> liftSuspension(UUID citizenId) {
        return CurrentUser.get().flatMap(admin -> people.liftSuspension(citizenId, admin.id(), clock.instant())
                .then(audited(admin.id(), "BOOKING_SUSPENSION_LIFTED", "citizen:" + citizenId))
                .as(tx::transactional));
    }
}
