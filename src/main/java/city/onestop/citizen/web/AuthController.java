package city.onestop.citizen.web;

import city.onestop.citizen.identity.Citizen;
import city.onestop.citizen.identity.PasswordResets;
import city.onestop.citizen.identity.Registrations;
import city.onestop.citizen.identity.Sessions;
import city.onestop.citizen.identity.IssuedTokens;
import city.onestop.citizen.identity.NewCitizen;
import city.onestop.citizen.identity.PasswordHasher;
import city.onestop.citizen.identity.ValidResidentId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.InetSocketAddress;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping(path = "/api/v1/auth", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Auth", description = "Registration, login and session tokens: one login for every OneStop service")
@SecurityRequirements
class AuthController {

    static final String PHONE = "1[3-9]\\d{9}";
    static final String PHONE_MESSAGE = "must be a mainland China mobile number: 11 digits starting with 13 to 19";

    private final Registrations registrations;
    private final Sessions sessions;
    private final PasswordResets resets;

    AuthController(Registrations registrations, Sessions sessions, PasswordResets resets) {
        this.registrations = registrations;
        this.sessions = sessions;
        this.resets = resets;
    }

    record PasswordResetRequest(@Schema(example = "13800138000") @NotBlank @Pattern(regexp = PHONE, message = PHONE_MESSAGE) String phone) {}

    record PasswordResetAccepted(long expiresInSeconds) {}

    record PasswordResetConfirmation(
            @Schema(example = "13800138000") @NotBlank @Pattern(regexp = PHONE, message = PHONE_MESSAGE) String phone,
            @Schema(example = "123456", description = "the 6 digits of the text message") @NotBlank @Pattern(regexp = "[0-9]{6}",
                    message = "must be the 6 digits of the text message") String code,
            @Schema(example = "correct-horse-battery", minLength = 8, description = "8 characters to 72 bytes (UTF-8)")
                    @NotBlank @Size(min = 8, max = 72) String newPassword) {

        @AssertTrue(message = "newPassword must be at most 72 bytes in UTF-8")
        @Schema(hidden = true)
        boolean isPasswordWithinBytes() {
            return newPassword == null || PasswordHasher.fits(newPassword);
        }
    }

    @PostMapping("/password-resets")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(operationId = "requestPasswordReset",
            summary = "Text a password-reset code to this phone if it is registered (the answer is the same either way)")
    @ApiResponse(responseCode = "202", description = "A code was texted if the phone is registered")
    @ApiResponse(responseCode = "429", description = "Too many requests for this phone or address (PASSWORD_RESET_LIMITED)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    Mono<PasswordResetAccepted> requestPasswordReset(@Valid @RequestBody PasswordResetRequest body, ServerHttpRequest request) {
        return resets.request(body.phone(), clientAddress(request)).map(d -> new PasswordResetAccepted(d.toSeconds()));
    }

    @PostMapping("/password-resets/confirmation")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "confirmPasswordReset", summary = "Set a new password with the texted code; every session ends")
    @ApiResponse(responseCode = "204", description = "Password changed; all refresh tokens revoked")
    @ApiResponse(responseCode = "422", description = "Wrong, expired or used code (PASSWORD_RESET_CODE_INVALID)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "429", description = "Too many wrong codes for this phone (PASSWORD_RESET_LOCKED)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    Mono<Void> confirmPasswordReset(@Valid @RequestBody PasswordResetConfirmation body) {
        return resets.confirm(body.phone(), body.code(), body.newPassword());
    }

    record RegisterRequest(
            @Schema(example = "13800138000") @NotBlank @Pattern(regexp = PHONE, message = PHONE_MESSAGE) String phone,
            @Schema(example = "correct-horse-battery", minLength = 8, description = "8 characters to 72 bytes (UTF-8)")
                    @NotBlank @Size(min = 8, max = 72) String password,
            @Schema(example = "张三") @NotBlank @Size(max = 64) @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters") String realName,
            @Schema(example = "11010519491231002X", description = "18-character resident ID; stored encrypted, shown masked")
                    @NotBlank @ValidResidentId String idNumber) {

        @AssertTrue(message = "password must be at most 72 bytes in UTF-8")
        @Schema(hidden = true)
        boolean isPasswordWithinBytes() {
            return password == null || PasswordHasher.fits(password);
        }
    }

    record LoginRequest(
            @Schema(example = "13800138000") @NotBlank @Size(max = 32) String phone,
            @Schema(example = "OneStop-Demo-1") @NotBlank @Size(max = 1024) String password) {}

    record RefreshRequest(@NotBlank @Size(max = 256) String refreshToken) {}

    @PostMapping("/register")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "register", summary = "Register a citizen with phone, password, real name and ID card")
    @ApiResponse(responseCode = "201", description = "The new citizen (ID number masked)")
    @ApiResponse(responseCode = "409", description = "Phone (PHONE_TAKEN) or ID number (ID_NUMBER_TAKEN) already registered",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    Mono<Citizen> register(@Valid @RequestBody RegisterRequest body) {
        return registrations.register(new NewCitizen(body.phone(), body.password(), body.realName(), body.idNumber()));
    }

    @PostMapping("/login")
    @Operation(operationId = "login", summary = "Log in with phone and password; returns an access and a refresh token")
    @ApiResponse(responseCode = "200", description = "Tokens")
    @ApiResponse(responseCode = "401", description = "Wrong phone or password (INVALID_CREDENTIALS)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "429", description = "Locked after repeated failures (LOGIN_LOCKED) or too many attempts "
            + "(TOO_MANY_LOGIN_ATTEMPTS); see Retry-After",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    Mono<IssuedTokens> login(@Valid @RequestBody LoginRequest body, ServerHttpRequest request) {
        return sessions.login(body.phone(), body.password(), clientAddress(request));
    }

    @PostMapping("/refresh")
    @Operation(operationId = "refresh", summary = "Exchange a refresh token for new tokens; the presented one is spent")
    @ApiResponse(responseCode = "200", description = "New tokens")
    @ApiResponse(responseCode = "401", description = "Unknown, expired, used or revoked refresh token (INVALID_REFRESH_TOKEN)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    Mono<IssuedTokens> refresh(@Valid @RequestBody RefreshRequest body) {
        return sessions.refresh(body.refreshToken());
    }

    @PostMapping("/logout")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "logout", summary = "End the session of a refresh token (its access tokens expire on their own)")
    @ApiResponse(responseCode = "204", description = "Logged out (also for tokens already unknown)")
    Mono<Void> logout(@Valid @RequestBody RefreshRequest body) {
        return sessions.logout(body.refreshToken());
    }

    /** The peer address, or the forwarded one when server.forward-headers-strategy trusts a proxy. */
    private static String clientAddress(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote == null) {
            return "unknown";
        }
        return remote.getAddress() == null ? remote.getHostString() : remote.getAddress().getHostAddress();
    }
}
