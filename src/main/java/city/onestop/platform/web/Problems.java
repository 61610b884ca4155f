package city.onestop.platform.web;

import city.onestop.platform.ProblemException;
import city.onestop.platform.RequestIds;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.r2dbc.spi.R2dbcException;
import org.springframework.core.MethodParameter;
import org.springframework.core.codec.CodecException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.server.ServerErrorException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamWriteException;
import tools.jackson.databind.exc.InvalidDefinitionException;

/** Turns any failure into an RFC 9457 problem with a stable {@code code}; never leaks internals for a 5xx. */
public final class Problems {

    private static final Logger log = LoggerFactory.getLogger(Problems.class);

    private Problems() {}

    public static ProblemDetail from(Throwable error, ServerWebExchange exchange) {
        ProblemDetail problem;
        String code;
        if (error instanceof ProblemException p) {
            problem = ProblemDetail.forStatusAndDetail(p.status(), p.getMessage());
            problem.setTitle(p.title());
            code = p.code();
            p.extra().forEach(problem::setProperty);
        } else if (error instanceof WebExchangeBindException bind) {
            problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The request has invalid fields");
            problem.setTitle("Validation failed");
            problem.setProperty("errors", fieldErrors(bind));
            code = "VALIDATION_FAILED";
        } else if (error instanceof HandlerMethodValidationException hmv) {
            problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The request has invalid parameters");
            problem.setTitle("Validation failed");
            List<Map<String, Object>> errors = new ArrayList<>();
            hmv.getParameterValidationResults().forEach(r -> r.getResolvableErrors().forEach(e -> errors.add(Map.of(
                    "field", r.getMethodParameter().getParameterName() == null ? "" : r.getMethodParameter().getParameterName(),
                    "message", String.valueOf(e.getDefaultMessage())))));
            problem.setProperty("errors", errors);
            code = "VALIDATION_FAILED";
        } else if (error instanceof DataBufferLimitException || hasCause(error, DataBufferLimitException.class)) {
            problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, "The request body is larger than allowed");
            problem.setTitle("Payload too large");
            code = "PAYLOAD_TOO_LARGE";
        } else if (blankPathVariable(error) != null) {
            MethodParameter blank = blankPathVariable(error);
            // A path variable that converts to nothing (a blank or whitespace segment: "/bills/%20"). The framework
            // calls that a server error, but only the client's URL can cause it.
            problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "The path segment '" + blank.getParameterName() + "' is blank");
            problem.setTitle("Bad request");
            code = "BAD_REQUEST";
        } else if (error instanceof ServerExchangeRejectedException) {
            problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "The request URL or a header contains characters that are not allowed");
            problem.setTitle("Bad request");
            code = "BAD_REQUEST";
        } else if (error instanceof InvalidMediaTypeException || error instanceof InvalidMimeTypeException) {
            return finish(invalidMediaType(exchange), codeFor(invalidMediaTypeStatus(exchange)), exchange);
        } else if (readFailure(error)) {
            problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The request body is not valid JSON for this endpoint");
            problem.setTitle("Bad request");
            code = "MALFORMED_BODY";
        } else if (unstorableValue(error) != null) {
            String sqlState = unstorableValue(error);
            log.warn("A request value was refused by the database (SQLSTATE {}) on {} {} (request {})", sqlState,
                    exchange.getRequest().getMethod(), exchange.getRequest().getPath(), RequestIds.of(exchange));
            problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "A value in the request cannot be stored (for example a NUL character, or a number or text out of range)");
            problem.setTitle("Invalid value");
            code = "INVALID_VALUE";
        } else if (error instanceof ServerWebInputException input) {
            problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, inputDetail(input));
            problem.setTitle("Bad request");
            code = input.getCause() instanceof CodecException ? "MALFORMED_BODY" : "BAD_REQUEST";
        } else if (error instanceof ErrorResponse response) {
            HttpStatusCode status = response.getStatusCode();
            problem = ProblemDetail.forStatus(status);
            ProblemDetail body = response.getBody();
            problem.setTitle(body.getTitle() != null ? body.getTitle() : reason(status));
            if (status.value() == 404 && body.getDetail() == null) {
                body.setDetail("No resource at " + exchange.getRequest().getPath().value());
            }
            problem.setDetail(safeDetail(status, body.getDetail()));
            code = codeFor(status);
        } else if (error instanceof AuthenticationException) {
            problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, "A valid access token is required");
            problem.setTitle("Unauthorized");
            code = "UNAUTHENTICATED";
        } else if (error instanceof AccessDeniedException) {
            problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, "You are not allowed to do this");
            problem.setTitle("Forbidden");
            code = "FORBIDDEN";
        } else {
            log.error("Unexpected failure on {} {} (request {})",
                    exchange.getRequest().getMethod(), exchange.getRequest().getPath(), RequestIds.of(exchange), error);
            problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                    "Something went wrong on our side. Quote the request id when you report it.");
            problem.setTitle("Internal server error");
            code = "INTERNAL_ERROR";
        }
        return finish(problem, code, exchange);
    }

    public static ProblemDetail finish(ProblemDetail problem, String code, ServerWebExchange exchange) {
        problem.setType(URI.create("/problems/" + code.toLowerCase(Locale.ROOT).replace('_', '-')));
        problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
        problem.setProperty("code", code);
        problem.setProperty("requestId", RequestIds.of(exchange));
        return problem;
    }

    private static List<Map<String, Object>> fieldErrors(WebExchangeBindException bind) {
        List<Map<String, Object>> errors = new ArrayList<>();
        for (FieldError fe : bind.getFieldErrors()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("field", fe.getField());
            e.put("message", fe.getDefaultMessage());
            errors.add(e);
        }
        bind.getGlobalErrors().forEach(ge -> errors.add(Map.of("field", ge.getObjectName(), "message", String.valueOf(ge.getDefaultMessage()))));
        return errors;
    }

    private static String inputDetail(ServerWebInputException input) {
        if (input.getCause() instanceof CodecException) {
            return "The request body is not valid JSON for this endpoint";
        }
        String reason = input.getReason();
        return reason == null ? "The request is malformed" : reason;
    }

    private static String safeDetail(HttpStatusCode status, String detail) {
        if (status.is5xxServerError()) {
            return "The service could not complete the request";
        }
        return detail;
    }

    private static String reason(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null ? "Error" : known.getReasonPhrase();
    }

    private static String codeFor(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> "BAD_REQUEST";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 406 -> "NOT_ACCEPTABLE";
            case 409 -> "CONFLICT";
            case 413 -> "PAYLOAD_TOO_LARGE";
            case 415 -> "UNSUPPORTED_MEDIA_TYPE";
            case 429 -> "TOO_MANY_REQUESTS";
            case 503 -> "SERVICE_UNAVAILABLE";
            default -> status.is5xxServerError() ? "INTERNAL_ERROR" : "HTTP_" + status.value();
        };
    }

    /**
     * SQL states of "data exception" (class 22) that only a value can cause: text with NUL or bytes outside UTF-8,
     * text or numbers too long or too large for their column, malformed literals. Anything else stays a 500.
     */
    private static final java.util.Set<String> VALUE_STATES =
            java.util.Set.of("22021", "22P05", "22001", "22003", "22007", "22008", "22P02", "2200D", "22019", "22025");

    private static String unstorableValue(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof R2dbcException r && r.getSqlState() != null && VALUE_STATES.contains(r.getSqlState())) {
                return r.getSqlState();
            }
        }
        return null;
    }

    private static MethodParameter blankPathVariable(Throwable error) {
        if (error instanceof ServerErrorException server && server.getMethodParameter() != null
                && server.getMethodParameter().hasParameterAnnotation(PathVariable.class)) {
            return server.getMethodParameter();
        }
        return null;
    }

    /**
     * A client's JSON that could not be read or bound, seen outside the codecs (a controller that reads a tree and
     * coerces its nodes). Problems in our own types ({@code InvalidDefinitionException}) and writing stay 500s.
     */
    private static boolean readFailure(Throwable error) {
        return error instanceof JacksonException
                && !(error instanceof InvalidDefinitionException)
                && !(error instanceof StreamWriteException);
    }

    private static HttpStatus invalidMediaTypeStatus(ServerWebExchange exchange) {
        if (!parses(exchange.getRequest().getHeaders().getFirst("Content-Type"))) {
            return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
        }
        if (!parses(exchange.getRequest().getHeaders().getFirst("Accept"))) {
            return HttpStatus.NOT_ACCEPTABLE;
        }
        return HttpStatus.BAD_REQUEST;
    }

    private static ProblemDetail invalidMediaType(ServerWebExchange exchange) {
        HttpStatus status = invalidMediaTypeStatus(exchange);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, switch (status) {
            case UNSUPPORTED_MEDIA_TYPE -> "The Content-Type header is not a media type this endpoint can read";
            case NOT_ACCEPTABLE -> "The Accept header is not a valid list of media types";
            default -> "A media type in the request is not valid";
        });
        problem.setTitle(reason(status));
        return problem;
    }

    private static boolean parses(String mediaTypes) {
        if (mediaTypes == null) {
            return true;
        }
        try {
            org.springframework.http.MediaType.parseMediaTypes(mediaTypes)
                    .forEach(org.springframework.http.MediaType::getCharset);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
