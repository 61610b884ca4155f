package city.onestop.citizen.web;

import city.onestop.citizen.identity.CitizenError;
import city.onestop.platform.ProblemException;
import java.util.Map;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * The citizen module's domain errors as problem+json: each kind gets its status and title here; code, detail and
 * extra members (retryAfterSeconds, remainingAttempts) come from the error. Runs just before the platform's handler
 * and hands it the {@link ProblemException}. The statuses and titles are a public contract (docs/api.md): keep them.
 */
@Component
@Order(-3)
class CitizenProblems implements WebExceptionHandler {

    private record Answer(HttpStatus status, String title) {}

    private static final Answer TOO_MANY = new Answer(HttpStatus.TOO_MANY_REQUESTS, "Too many requests");

    private static final Map<Class<? extends CitizenError>, Answer> ANSWERS = Map.ofEntries(
            Map.entry(CitizenError.InvalidIdNumber.class, new Answer(HttpStatus.BAD_REQUEST, "Bad request")),
            Map.entry(CitizenError.PhoneTaken.class, new Answer(HttpStatus.CONFLICT, "Conflict")),
            Map.entry(CitizenError.IdNumberTaken.class, new Answer(HttpStatus.CONFLICT, "Conflict")),
            Map.entry(CitizenError.CitizenNotFound.class, new Answer(HttpStatus.NOT_FOUND, "Not found")),
            Map.entry(CitizenError.PasswordTooLong.class, new Answer(HttpStatus.BAD_REQUEST, "Bad request")),
            Map.entry(CitizenError.HashingBusy.class, new Answer(HttpStatus.SERVICE_UNAVAILABLE, "Service busy")),
            Map.entry(CitizenError.InvalidCredentials.class, new Answer(HttpStatus.UNAUTHORIZED, "Invalid credentials")),
            Map.entry(CitizenError.LoginLocked.class, new Answer(HttpStatus.TOO_MANY_REQUESTS, "Too many failed logins")),
            Map.entry(CitizenError.TooManyLoginAttempts.class, TOO_MANY),
            Map.entry(CitizenError.InvalidRefreshToken.class, new Answer(HttpStatus.UNAUTHORIZED, "Invalid refresh token")),
            Map.entry(CitizenError.PasswordResetLimited.class, TOO_MANY),
            Map.entry(CitizenError.PasswordResetLocked.class, TOO_MANY),
            Map.entry(CitizenError.PasswordResetCodeInvalid.class, new Answer(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid code")),
            Map.entry(CitizenError.ErasureLocked.class, TOO_MANY),
            Map.entry(CitizenError.PasswordIncorrect.class, new Answer(HttpStatus.FORBIDDEN, "Password incorrect")),
            Map.entry(CitizenError.AdminNotErasable.class, new Answer(HttpStatus.CONFLICT, "Conflict")),
            Map.entry(CitizenError.NotFound.class, new Answer(HttpStatus.NOT_FOUND, "Not found")),
            Map.entry(CitizenError.InvalidLanguage.class, new Answer(HttpStatus.BAD_REQUEST, "Bad request")),
            Map.entry(CitizenError.InvalidStopId.class, new Answer(HttpStatus.BAD_REQUEST, "Bad request")),
            Map.entry(CitizenError.FavoritesLimit.class, new Answer(HttpStatus.CONFLICT, "Conflict")));

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        return Mono.error(ex instanceof CitizenError error ? problem(error) : ex);
    }

    static boolean answers(Class<?> kind) {
        return ANSWERS.containsKey(kind);
    }

    /** The problem a domain error answers with; an error without an entry here is a bug and stays a 500. */
    static Throwable problem(CitizenError error) {
        Answer answer = ANSWERS.get(error.getClass());
        if (answer == null) {
            return new IllegalStateException("No problem mapping for citizen error " + error.getClass().getName(), error);
        }
        return new ProblemException(answer.status(), error.code(), answer.title(), error.getMessage(), error.extra());
    }
}
