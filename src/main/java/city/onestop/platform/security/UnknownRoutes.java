package city.onestop.platform.security;

import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Matches API requests that no controller or router handles, so that security lets them through to the
 * 404 instead of answering 401: clients learn "no such route" whether or not they sent a token (also for
 * {@code /actuator/**} on the API port when Actuator has a port of its own). A path
 * that exists with another method is not unknown (it stays behind authentication, then answers 405).
 */
@Component
class UnknownRoutes implements ServerWebExchangeMatcher {

    private final ObjectProvider<HandlerMapping> mappings;

    UnknownRoutes(ObjectProvider<HandlerMapping> mappings) {
        this.mappings = mappings;
    }

    @Override
    public Mono<MatchResult> matches(ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().value();
        // Actuator paths too: with a management port they are unknown here, and a 404 says so to everyone.
        if (!path.startsWith("/api/") && !path.startsWith("/actuator")) {
            return MatchResult.notMatch();
        }
        List<HandlerMapping> candidates = mappings.orderedStream()
                .filter(m -> m instanceof RequestMappingHandlerMapping || m instanceof RouterFunctionMapping)
                .toList();
        return Flux.fromIterable(candidates)
                .concatMap(m -> m.getHandler(exchange).map(h -> Boolean.TRUE).onErrorReturn(Boolean.TRUE))
                .next()
                .defaultIfEmpty(Boolean.FALSE)
                .flatMap(found -> found ? MatchResult.notMatch() : MatchResult.match());
    }
}
