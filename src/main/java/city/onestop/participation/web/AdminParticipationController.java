package city.onestop.participation.web;

import city.onestop.participation.cases.DepartmentStaff;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.ProblemException;
import city.onestop.platform.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The admin makes citizens staff of a department (HANDLER or SUPERVISOR), or removes them. */
@RestController
@RequestMapping("/api/v1/admin/participation/departments/{departmentId}/staff/{citizenId}")
@Tag(name = "Participation admin", description = "Department staff (admin)")
class AdminParticipationController {

    private final DepartmentStaff staff;

    AdminParticipationController(DepartmentStaff staff) {
        this.staff = staff;
    }

    record StaffBody(@NotNull @Pattern(regexp = "HANDLER|SUPERVISOR") String role) {}

    @PutMapping
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "adminSetCaseStaff", summary = "Make a citizen staff of a department, as HANDLER or SUPERVISOR")
    Mono<Void> put(@PathVariable UUID departmentId, @PathVariable UUID citizenId, @Valid @RequestBody StaffBody body) {
        return admin().flatMap(user -> staff.setStaff(user.id(), departmentId, citizenId, body.role()))
                .flatMap(ok -> ok ? Mono.<Void>empty() : Mono.error(ProblemException.notFound("Department", departmentId.toString())));
    }

    @DeleteMapping
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "adminRemoveCaseStaff", summary = "Remove a citizen from a department's staff")
    Mono<Void> delete(@PathVariable UUID departmentId, @PathVariable UUID citizenId) {
        return admin().flatMap(user -> staff.removeStaff(user.id(), departmentId, citizenId))
                .flatMap(ok -> ok ? Mono.<Void>empty() : Mono.error(ProblemException.notFound("Staff member", citizenId.toString())));
    }

    private static Mono<CurrentUser> admin() {
        return CurrentUser.get().flatMap(u -> u.has(Role.ADMIN) ? Mono.just(u)
                : Mono.error(new ProblemException(HttpStatus.FORBIDDEN, "FORBIDDEN", "Forbidden", "Admins only")));
    }
}
