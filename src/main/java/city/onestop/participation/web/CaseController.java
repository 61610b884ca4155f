package city.onestop.participation.web;

import city.onestop.participation.cases.CaseType;
import city.onestop.participation.cases.Cases;
import city.onestop.participation.cases.Departments;
import city.onestop.participation.cases.SubjectKind;
import city.onestop.platform.Cursors;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.Idempotency;
import city.onestop.platform.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A citizen's cases: file, list, read with the timeline, add to, withdraw, confirm or reopen. */
@RestController
@Tag(name = "Participation", description = "Complaints, suggestions, enquiries and praise (12345) and their handling")
class CaseController {

    private final Cases cases;
    private final Departments departments;

    CaseController(Cases cases, Departments departments) {
        this.cases = cases;
        this.departments = departments;
    }

    record LocationBody(@NotNull @DecimalMin("-90") @DecimalMax("90") Double lat, @NotNull @DecimalMin("-180") @DecimalMax("180") Double lon) {}

    record SubjectBody(@NotNull SubjectKind kind, @NotBlank @Size(max = 100) String id) {}

    record NewCaseBody(@NotNull CaseType type, @NotBlank @Pattern(regexp = "[A-Z][A-Z_]{1,39}") String category,
            @NotBlank @Size(max = 200) String title, @NotBlank @Size(max = 5000) String text, @Valid LocationBody location,
            @Valid SubjectBody subject, @NotNull Boolean publicConsent) {}

    record TextBody(@NotBlank @Size(max = 5000) String text) {}

    record ReasonBody(@Size(max = 1000) String reason) {}

    @PostMapping(path = "/api/v1/cases", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "submitCase", summary = "File a case (needs Idempotency-Key); it is routed to a department at once")
    Mono<ResponseEntity<Object>> submit(@RequestHeader(name = Idempotency.HEADER, required = false) String key,
            @Valid @RequestBody NewCaseBody body) {
        var request = new Cases.NewCase(body.type(), body.category(), body.title().trim(), body.text().trim(),
                body.location() == null ? null : new Cases.Location(body.location().lat(), body.location().lon()),
                body.subject() == null ? null : new Cases.Subject(body.subject().kind(), body.subject().id().trim()),
                body.publicConsent());
        return WebErrors.mapped(CurrentUser.get().flatMap(user -> cases.submit(user.id(), key, request)));
    }

    @GetMapping(path = "/api/v1/me/cases", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "listMyCases", summary = "My cases, newest first (cursor pagination)")
    Mono<Page<Cases.CaseView>> mine(@RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        int size = Cursors.limit(limit);
        Positions after = Positions.decode(cursor);
        return WebErrors.mapped(CurrentUser.get()
                .flatMap(user -> cases.listMine(user.id(), after.at(), after.id(), size))
                .map(rows -> Page.of(rows, size, c -> Positions.position(c.submittedAt().toInstant(), c.id()))));
    }

    @GetMapping(path = "/api/v1/cases/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "getCase", summary = "A case with its timeline; only its submitter and its department's staff see it")
    Mono<Cases.CaseView> get(@PathVariable UUID id) {
        return WebErrors.mapped(CurrentUser.get().flatMap(user -> cases.actor(user.id())).flatMap(actor -> cases.getCase(actor, id)));
    }

    @PostMapping(path = "/api/v1/cases/{id}/information", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "addCaseInformation", summary = "Add information to my case while it is handled")
    Mono<Cases.CaseView> addInformation(@PathVariable UUID id, @Valid @RequestBody TextBody body) {
        return WebErrors.mapped(CurrentUser.get().flatMap(user -> cases.addInformation(user.id(), id, body.text().trim())));
    }

    @PostMapping(path = "/api/v1/cases/{id}/withdraw", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "withdrawCase", summary = "Withdraw my case before it is answered")
    Mono<Cases.CaseView> withdraw(@PathVariable UUID id, @Valid @RequestBody(required = false) ReasonBody body) {
        String reason = body == null || body.reason() == null || body.reason().isBlank() ? null : body.reason().trim();
        return WebErrors.mapped(CurrentUser.get().flatMap(user -> cases.withdraw(user.id(), id, reason)));
    }

    @PostMapping(path = "/api/v1/cases/{id}/confirm", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "confirmCaseResolved", summary = "Confirm the reply resolved my case (REPLIED → CLOSED)")
    Mono<Cases.CaseView> confirm(@PathVariable UUID id) {
        return WebErrors.mapped(CurrentUser.get().flatMap(user -> cases.confirmResolved(user.id(), id)));
    }

    @PostMapping(path = "/api/v1/cases/{id}/reopen", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "reopenCase", summary = "Reopen my replied or closed case, once, saying why")
    Mono<Cases.CaseView> reopen(@PathVariable UUID id, @Valid @RequestBody TextBody body) {
        return WebErrors.mapped(CurrentUser.get().flatMap(user -> cases.reopen(user.id(), id, body.text().trim())));
    }

    @SecurityRequirements
    @GetMapping(path = "/api/v1/participation/departments", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "listCaseDepartments", summary = "The departments that handle cases")
    Mono<List<Cases.DepartmentView>> departments() {
        return departments.listDepartments().map(d -> new Cases.DepartmentView(d.id(), d.code(), d.kind(), d.name(), d.nameEn()))
                .collectList();
    }

    @SecurityRequirements
    @GetMapping(path = "/api/v1/participation/categories", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "listCaseCategories", summary = "Case categories and the department each goes to when no subject is named")
    Mono<List<Departments.Category>> categories() {
        return departments.listCategories().collectList();
    }
}
