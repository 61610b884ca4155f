package city.onestop.platform;

import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A domain error that reaches the client as RFC 9457 problem+json. {@code code} is stable (UPPER_SNAKE)
 * and becomes the problem {@code type} {@code /problems/kebab-case-code}; {@code extra} adds members such as
 * {@code until} for a suspension.
 */
public class ProblemException extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final String title;
    private final Map<String, Object> extra;

    public ProblemException(HttpStatus status, String code, String title, String detail) {
        this(status, code, title, detail, Map.of());
    }

    public ProblemException(HttpStatus status, String code, String title, String detail, Map<String, Object> extra) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
        this.extra = Map.copyOf(extra);
    }

    public static ProblemException notFound(String what, String id) {
        return new ProblemException(HttpStatus.NOT_FOUND, "NOT_FOUND", "Not found", what + " " + id + " does not exist");
    }

    public static ProblemException badRequest(String code, String detail) {
        return new ProblemException(HttpStatus.BAD_REQUEST, code, "Bad request", detail);
    }

    public static ProblemException conflict(String code, String detail) {
        return new ProblemException(HttpStatus.CONFLICT, code, "Conflict", detail);
    }

    /** 429 with {@code retryAfterSeconds} in the body and a {@code Retry-After} header. */
    public static ProblemException tooManyRequests(String code, String detail, long retryAfterSeconds) {
        return new ProblemException(HttpStatus.TOO_MANY_REQUESTS, code, "Too many requests", detail,
                Map.of("retryAfterSeconds", retryAfterSeconds));
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> extra() {
        return extra;
    }
}
