package city.onestop.platform.web;

import city.onestop.platform.Texts;
import city.onestop.platform.i18n.BundleTexts;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Writes a problem as {@code application/problem+json}; used by the error handler and the security entry points. */
@Component
public class ProblemWriter {

    /** A problem member (whole seconds) that is also sent as the {@code Retry-After} header. */
    public static final String RETRY_AFTER_PROPERTY = "retryAfterSeconds";

    private final JsonMapper json;
    private final BundleTexts texts;

    ProblemWriter(JsonMapper json, BundleTexts texts) {
        this.json = json;
        this.texts = texts;
    }

    public Mono<Void> write(ServerWebExchange exchange, ProblemDetail problem) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        // Title and detail in the request's language (zh-CN unless Accept-Language asks for English); code unchanged.
        Locale language = Texts.language(exchange.getRequest().getHeaders().getFirst("Accept-Language"));
        texts.localize(problem, language);
        response.getHeaders().set("Content-Language", Texts.tag(language));
        response.setStatusCode(HttpStatus.valueOf(problem.getStatus()));
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().remove("Content-Length");
        // A 429/503 that knows when to come back says so in the standard header, too (RFC 9110 10.2.3).
        Object retryAfter = problem.getProperties() == null ? null : problem.getProperties().get(RETRY_AFTER_PROPERTY);
        if (retryAfter instanceof Number seconds) {
            response.getHeaders().set("Retry-After", Long.toString(seconds.longValue()));
        }
        byte[] body = json.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    }
}
