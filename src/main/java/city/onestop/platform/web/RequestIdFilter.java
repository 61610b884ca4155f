package city.onestop.platform.web;

import city.onestop.platform.RequestIds;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every exchange a request id (the client's {@code X-Request-Id} when it is sane), echoes it on the
 * response, puts it in the Reactor context for logs, and writes one access-log line per request.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter implements WebFilter {

    private static final Logger access = LoggerFactory.getLogger("city.onestop.access");
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String given = exchange.getRequest().getHeaders().getFirst(RequestIds.HEADER);
        String id = given != null && SANE.matcher(given).matches() ? given : newId();
        exchange.getAttributes().put(RequestIds.ATTRIBUTE, id);
        exchange.getResponse().getHeaders().set(RequestIds.HEADER, id);
        long started = System.nanoTime();
        return chain.filter(exchange)
                .doFinally(signal -> {
                    if (access.isDebugEnabled()) {
                        access.debug("{} {} {} {}ms requestId={}",
                                exchange.getRequest().getMethod(), exchange.getRequest().getPath().value(),
                                exchange.getResponse().getStatusCode(), (System.nanoTime() - started) / 1_000_000, id);
                    }
                })
                .contextWrite(ctx -> ctx.put(RequestIds.CONTEXT_KEY, id).put(RequestIds.CLIENT_IP_KEY, clientIp(exchange)));
    }

    /**
     * A random (version 4) UUID from {@link ThreadLocalRandom}: a request id must be unique, not unguessable, and
     * {@code UUID.randomUUID()} costs a SecureRandom draw (SHA-1 mixing) on every request.
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    private static String clientIp(ServerWebExchange exchange) {
        var address = exchange.getRequest().getRemoteAddress();
        return address == null || address.getAddress() == null ? "unknown" : address.getAddress().getHostAddress();
    }
}
