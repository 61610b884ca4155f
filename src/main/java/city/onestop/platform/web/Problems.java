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
import org.springframework.core.codec.CodecException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

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

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
