package city.onestop.booking;

import city.onestop.platform.AuditLog;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.Role;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Who the calling staff member is and which one hospital they work for: the HOSPITAL_STAFF role and a
 * hospital_staff row are both needed. Every staff action is scoped to that hospital (others' ids are absent).
 */
@Component
class StaffScope {

    /** The acting staff member and their hospital. */
    record Staff(UUID id, UUID hospitalId) {}

    private final PeopleRepository people;
    private final AuditLog audit;

    StaffScope(PeopleRepository people, AuditLog audit) {
        this.people = people;
        this.audit = audit;
    }

    Mono<Staff> current() {
        return CurrentUser.get().flatMap(user -> !user.has(Role.HOSPITAL_STAFF)
                ? Mono.error(new BookingError.StaffOnly())
                : people.findStaffHospital(user.id())
                        .map(hospital -> new Staff(user.id(), hospital))
                        .switchIfEmpty(Mono.error(BookingError.NotHospitalStaff::new)));
    }

    /** The audit row of a staff action; the caller runs it in the action's transaction. */
    Mono<Void> audited(Staff staff, String action, String target) {
        return audit.record(new AuditLog.AuditEntry(staff.id(), Role.HOSPITAL_STAFF.name(), action, target, AuditLog.Outcome.SUCCESS));
    }
}
