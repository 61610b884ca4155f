package city.onestop.participation.cases;

import city.onestop.platform.AuditLog;
import city.onestop.platform.Role;
import java.time.Clock;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** An admin makes citizens staff of a department or removes them: each change and its audit row in one transaction. */
@Service
public class DepartmentStaff {

    private final Departments departments;
    private final AuditLog audit;
    private final TransactionalOperator tx;
    private final Clock clock;

    DepartmentStaff(Departments departments, AuditLog audit, TransactionalOperator tx, Clock clock) {
        this.departments = departments;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    /** Makes the citizen HANDLER or SUPERVISOR of the department; false (nothing written) when there is no such department. */
    public Mono<Boolean> setStaff(UUID admin, UUID departmentId, UUID citizenId, String role) {
        return departments.addStaff(departmentId, citizenId, role, clock.instant())
                .flatMap(ok -> ok ? audit.record(new AuditLog.AuditEntry(admin, Role.ADMIN.name(), "CASE_STAFF_SET",
                                "department:" + departmentId + " citizen:" + citizenId + " role:" + role, AuditLog.Outcome.SUCCESS))
                        .thenReturn(true) : Mono.just(false))
                .as(tx::transactional);
    }

    /** Removes the citizen from the department's staff; false (nothing written) when they were not on it. */
    public Mono<Boolean> removeStaff(UUID admin, UUID departmentId, UUID citizenId) {
        return departments.removeStaff(departmentId, citizenId)
                .flatMap(ok -> ok ? audit.record(new AuditLog.AuditEntry(admin, Role.ADMIN.name(), "CASE_STAFF_REMOVED",
                                "department:" + departmentId + " citizen:" + citizenId, AuditLog.Outcome.SUCCESS))
                        .thenReturn(true) : Mono.just(false))
                .as(tx::transactional);
    }
}
