package city.onestop.participation.web;

import city.onestop.participation.cases.ParticipationError;
import city.onestop.platform.ProblemException;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;

/** Maps participation's domain refusals to problem+json: the one place that knows their HTTP statuses. */
final class WebErrors {

    private WebErrors() {}

    static Throwable toProblem(Throwable e) {
        if (!(e instanceof ParticipationError p)) return e;
        return switch (p.kind()) {
            case NOT_FOUND -> new ProblemException(HttpStatus.NOT_FOUND, p.code(), "Not found", p.getMessage());
            case INVALID -> new ProblemException(HttpStatus.BAD_REQUEST, p.code(), "Bad request", p.getMessage());
            case UNPROCESSABLE -> new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, p.code(), "Unprocessable request", p.getMessage());
            case CONFLICT -> new ProblemException(HttpStatus.CONFLICT, p.code(), "Conflict", p.getMessage());
            case FORBIDDEN -> new ProblemException(HttpStatus.FORBIDDEN, p.code(), "Forbidden", p.getMessage());
            case UNSUPPORTED_MEDIA -> new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, p.code(), "Unsupported media type",
                    p.getMessage());
            case TOO_MANY -> ProblemException.tooManyRequests(p.code(), p.getMessage(), 60);
        };
    }

    static <T> Mono<T> mapped(Mono<T> mono) {
        return mono.onErrorMap(ParticipationError.class, WebErrors::toProblem);
    }
}
