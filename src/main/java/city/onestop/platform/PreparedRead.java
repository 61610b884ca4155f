package city.onestop.platform;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A public, anonymous {@code GET} that a module can answer from bytes it already holds, ahead of the security filter
 * chain and the annotated handler lookup (the per-request cost of both is most of a trivial read; see
 * docs/benchmarks.md). The ordinary controller for the same route stays the reference and the documentation: a
 * prepared read answers only what it has ready, byte for byte what the controller would answer, and otherwise
 * returns empty, so the request takes the ordinary way (validation errors, 404s, first requests, anything unusual).
 * The platform answers only anonymous, same-origin, plain-HTTP requests with a clean URL and clean headers, on a
 * path that a {@link PublicPaths} bean declares public for {@code GET}; it writes the ETag/304, the security headers
 * and counts the request in {@code http.server.requests} under {@link #pattern()}.
 */
public interface PreparedRead {

    /** The route, as the controller maps it: {@code /api/v1/transit/stops/{stopId}}. */
    String pattern();

    /**
     * The answer for this request (the URI variables of {@link #pattern()} are given), or empty to leave the request
     * to the ordinary way. Never an error: a failure here would bypass the error handling the ordinary way has.
     */
    Mono<Answer> answer(ServerWebExchange exchange, Map<String, String> variables);

    /**
     * The answer when it is ready without waiting (bytes already computed and still valid), else null; the platform
     * then asks {@link #answer}. The hot path of a hot read: no {@code Mono} to assemble and subscribe per request.
     * The same contract as {@link #answer}: byte for byte what the controller would answer, never an exception.
     */
    default @Nullable Answer ready(ServerWebExchange exchange, Map<String, String> variables) {
        return null;
    }

    /**
     * What the controller would send: the body, its strong ETag (quoted), the {@code Cache-Control} value and an
     * optional {@code Vary}. A matching {@code If-None-Match} gets a 304 with the same ETag, Cache-Control and Vary.
     */
    record Answer(byte[] body, String etag, String cacheControl, @Nullable String vary, MediaType contentType) {

        public static Answer json(byte[] body, String etag, String cacheControl) {
            return new Answer(body, etag, cacheControl, null, MediaType.APPLICATION_JSON);
        }

        public Answer varyBy(String header) {
            return new Answer(body, etag, cacheControl, header, contentType);
        }
    }
}
