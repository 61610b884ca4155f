package city.onestop.citizen.web;

import city.onestop.citizen.identity.Citizen;
import city.onestop.citizen.identity.Registrations;
import city.onestop.citizen.identity.CitizenData;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import city.onestop.platform.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Me", description = "The signed-in citizen")
class MeController {

    private final Registrations accounts;
    private final CitizenData data;

    MeController(Registrations accounts, CitizenData data) {
        this.accounts = accounts;
        this.data = data;
    }

    record DeletionRequest(@Schema(description = "my current password, to confirm") String password) {}

    @GetMapping(path = "/api/v1/me/export", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "exportMyData", summary = "Everything OneStop holds about me, as one JSON document "
            + "(profile, favourites, linked accounts, bills, payments, appointments, notifications, my audit rows)")
    @ApiResponse(responseCode = "200", description = "The export (also offered as a file download)")
    @ApiResponse(responseCode = "404", description = "The token's subject is not a citizen here (CITIZEN_NOT_FOUND)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    Mono<ResponseEntity<Map<String, Object>>> export() {
        return CurrentUser.get().flatMap(user -> data.export(user.id())).map(doc -> ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"onestop-my-data.json\"")
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(doc));
    }

    @PostMapping(path = "/api/v1/me/deletion", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "deleteMyAccount", summary = "Delete my account (password required): personal data deleted, "
            + "payments, medical appointments and audit rows kept without my identity; every session ends")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "403", description = "Wrong password (PASSWORD_INCORRECT)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    Mono<Void> delete(@RequestBody(required = false) DeletionRequest body) {
        return CurrentUser.get().flatMap(user -> data.erase(user.id(), body == null ? null : body.password()));
    }

    @GetMapping(path = "/api/v1/me", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "getMe", summary = "The signed-in citizen: phone, real name, masked ID number and roles")
    @ApiResponse(responseCode = "200", description = "The citizen")
    @ApiResponse(responseCode = "404", description = "The token's subject is not a citizen here (CITIZEN_NOT_FOUND)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    Mono<Citizen> me() {
        return CurrentUser.get().flatMap(user -> accounts.getCitizen(user.id()));
    }
}
