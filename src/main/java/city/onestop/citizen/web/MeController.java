package city.onestop.citizen.web;

import city.onestop.citizen.identity.Citizen;
import city.onestop.citizen.identity.CitizenAccounts;
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

    private final CitizenAccounts accounts;

    MeController(CitizenAccounts accounts) {
        this.accounts = accounts;
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
