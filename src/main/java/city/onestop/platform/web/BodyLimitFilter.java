package city.onestop.platform.web;

import city.onestop.platform.ProblemException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a declared body over {@code onestop.http.max-body-size} before reading it. Bodies without a
 * length are bounded by the codecs' in-memory limit, set to the same size. Endpoints that take large
 * uploads (feed and account imports) raise their own limits and declare them here.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class BodyLimitFilter implements WebFilter {

    private final long limit;
    private final long uploadLimit;

    BodyLimitFilter(
            @Value("${onestop.http.max-body-size:64KB}") DataSize limit,
            @Value("${onestop.http.max-upload-size:50MB}") DataSize uploadLimit) {
        this.limit = limit.toBytes();
        this.uploadLimit = uploadLimit.toBytes();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        long allowed = isUpload(exchange) ? uploadLimit : limit;
        if (length > allowed) {
            return Mono.error(new ProblemException(HttpStatus.CONTENT_TOO_LARGE, "PAYLOAD_TOO_LARGE", "Payload too large",
                    "The request body is " + length + " bytes; at most " + allowed + " are accepted here"));
        }
        return chain.filter(exchange);
    }

    /**
     * Upload endpoints are the import endpoints (paths ending in {@code /imports}) and case photos (ending in
     * {@code /attachments}, which bound themselves to {@code onestop.participation.max-attachment-size}).
     */
    static boolean isUpload(ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().value();
        return path.endsWith("/imports") || path.endsWith("/attachments");
    }
}
