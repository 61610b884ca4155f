package city.onestop.participation.web;

import city.onestop.participation.cases.CaseStatus;
import city.onestop.participation.cases.CaseType;
import city.onestop.participation.cases.Cases;
import city.onestop.platform.Cursors;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** What department staff do with the cases of their departments; anyone else gets 403 NOT_CASE_STAFF. */
@RestController
@RequestMapping(path = "/api/v1/participation/staff/cases", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Participation staff", description = "Department staff: queue, accept, assign, reply, transfer, reject, close")
class StaffCaseController {

    private final Cases cases;

    StaffCaseController(Cases cases) {
        this.cases = cases;
    }

    record AssignBody(@NotNull UUID assigneeId) {}

    record ReplyBody(@NotBlank @Size(max = 5000) String text) {}

    record TransferBody(@NotNull UUID departmentId, @NotBlank @Size(max = 1000) String reason) {}

    record RejectBody(@NotBlank @Size(max = 1000) String reason) {}

    @GetMapping
    @Operation(operationId = "staffCaseQueue",
            summary = "The cases of my departments, soonest deadline first; filter by status (repeatable), type, category, overdue;"
                    + " held=true: the city office's review list")
    Mono<Page<Cases.CaseView>> queue(@RequestParam(required = false) List<CaseStatus> status, @RequestParam(required = false) CaseType type,
            @RequestParam(required = false) String category, @RequestParam(required = false) Boolean overdue,
            @RequestParam(required = false, defaultValue = "false") boolean held, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        int size = Cursors.limit(limit);
        Positions after = Positions.decode(cursor);
        // A blank ?status= converts to a null element: it filters nothing, like no status at all.
        List<CaseStatus> given = status == null ? List.of() : status.stream().filter(java.util.Objects::nonNull).toList();
        Set<CaseStatus> statuses = given.isEmpty() ? Set.of() : EnumSet.copyOf(given);
        return staff(actor -> cases.queue(actor, statuses, type, category, overdue, held, after.at(), after.id() != null && after.at() == null,
                        after.id(), size))
                .map(rows -> Page.of(rows, size, c -> Positions.position(c.nextDeadline() == null ? null : c.nextDeadline().toInstant(),
                        c.id())));
    }

    @PostMapping("/{id}/accept")
    @Operation(operationId = "staffAcceptCase", summary = "Accept a case routed or transferred to my department (→ ACCEPTED)")
    Mono<Cases.CaseView> accept(@PathVariable UUID id) {
        return staff(actor -> cases.accept(actor, id));
    }

    @PostMapping("/{id}/assign")
    @Operation(operationId = "staffAssignCase", summary = "Assign an accepted case to a handler of my department (→ ASSIGNED)")
    Mono<Cases.CaseView> assign(@PathVariable UUID id, @Valid @RequestBody AssignBody body) {
        return staff(actor -> cases.assign(actor, id, body.assigneeId()));
    }

    @PostMapping("/{id}/reply")
    @Operation(operationId = "staffReplyCase", summary = "Reply to the submitter (→ REPLIED)")
    Mono<Cases.CaseView> reply(@PathVariable UUID id, @Valid @RequestBody ReplyBody body) {
        return staff(actor -> cases.reply(actor, id, body.text().trim()));
    }

    @PostMapping("/{id}/transfer")
    @Operation(operationId = "staffTransferCase", summary = "Hand a case to another department, saying why (→ TRANSFERRED)")
    Mono<Cases.CaseView> transfer(@PathVariable UUID id, @Valid @RequestBody TransferBody body) {
        return staff(actor -> cases.transfer(actor, id, body.departmentId(), body.reason().trim()));
    }

    @PostMapping("/{id}/reject")
    @Operation(operationId = "staffRejectCase", summary = "Reject a case that is not for the city to handle, with a reason (→ REJECTED)")
    Mono<Cases.CaseView> reject(@PathVariable UUID id, @Valid @RequestBody RejectBody body) {
        return staff(actor -> cases.reject(actor, id, body.reason().trim()));
    }

    @PostMapping("/{id}/release")
    @Operation(operationId = "staffReleaseCase", summary = "City office: let a case held by the word list through to its department")
    Mono<Cases.CaseView> release(@PathVariable UUID id) {
        return staff(actor -> cases.release(actor, id));
    }

    @PostMapping("/{id}/close")
    @Operation(operationId = "staffCloseCase", summary = "Close a replied case (→ CLOSED)")
    Mono<Cases.CaseView> close(@PathVariable UUID id) {
        return staff(actor -> cases.close(actor, id));
    }

    private <T> Mono<T> staff(Function<Cases.Actor, Mono<T>> action) {
        return WebErrors.mapped(CurrentUser.get().flatMap(user -> cases.actor(user.id())).flatMap(action));
    }
}
