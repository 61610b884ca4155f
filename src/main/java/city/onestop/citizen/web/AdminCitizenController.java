package city.onestop.citizen.web;

import city.onestop.citizen.identity.Citizen;
import city.onestop.citizen.identity.Registrations;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.ProblemException;
import city.onestop.platform.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Operator work on accounts. Security already demands ADMIN for /api/v1/admin/**; the check here is a second lock. */
@RestController
@RequestMapping(path = "/api/v1/admin/citizens", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Admin: citizens", description = "Operator access to citizen accounts (ADMIN only)")
class AdminCitizenController {

    private final Registrations accounts;

    AdminCitizenController(Registrations accounts) {
        this.accounts = accounts;
    }

    record RolesRequest(@NotEmpty Set<@NotNull Role> roles) {}

    @GetMapping("/{id}")
    @Operation(operationId = "getCitizen", summary = "A citizen's account (ID number masked) and roles")
    @ApiResponse(responseCode = "200", description = "The citizen")
    @ApiResponse(responseCode = "404", description = "No such citizen (CITIZEN_NOT_FOUND)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    Mono<Citizen> getCitizen(@PathVariable UUID id) {
        return requireAdmin().then(accounts.getCitizen(id));
    }

    @PutMapping(path = "/{id}/roles", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "replaceCitizenRoles",
            summary = "Set a citizen's roles (e.g. grant HOSPITAL_STAFF or UTILITY_OPERATOR); effective at their next token")
    @ApiResponse(responseCode = "200", description = "The citizen with the new roles")
    @ApiResponse(responseCode = "404", description = "No such citizen (CITIZEN_NOT_FOUND)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    Mono<Citizen> replaceRoles(@PathVariable UUID id, @Valid @RequestBody RolesRequest body) {
        return requireAdmin().flatMap(admin -> accounts.replaceRoles(admin, id, body.roles()));
    }

    private static Mono<CurrentUser> requireAdmin() {
        return CurrentUser.get()
                .filter(user -> user.has(Role.ADMIN))
                .switchIfEmpty(Mono.error(() -> new ProblemException(HttpStatus.FORBIDDEN, "FORBIDDEN", "Forbidden",
                        "You are not allowed to do this")));
    }
}
