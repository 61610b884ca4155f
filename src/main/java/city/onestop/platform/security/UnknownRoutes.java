package city.onestop.platform.security;

import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
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
 * 404 instead of answering 401: clients learn "no such route" whether or not they sent a token. A path
 * that exists with another method is not unknown (it stays behind authentication, then answers 405).
 */
@Component
class UnknownRoutes implements ServerWebExchangeMatcher {

    private final ObjectProvider<HandlerMapping> mappings;
    private volatile List<HandlerMapping> candidates;

    UnknownRoutes(ObjectProvider<HandlerMapping> mappings) {
        this.mappings = mappings;
    }

    @Override
    public Mono<MatchResult> matches(ServerWebExchange exchange) {
        if (!exchange.getRequest().getPath().value().startsWith("/api/") || hasBearerToken(exchange)) {
            // A request with a bearer token was authenticated (or refused with 401) before authorization runs, and
            // authenticated() lets it through to the 404 too: the route lookup here would only repeat the dispatcher's.
            return MatchResult.notMatch();
        }
        return Flux.fromIterable(candidates())
                .concatMap(m -> m.getHandler(exchange).map(h -> Boolean.TRUE).onErrorReturn(Boolean.TRUE))
                .next()
                .defaultIfEmpty(Boolean.FALSE)
                .flatMap(found -> found ? MatchResult.notMatch() : MatchResult.match());
    }

    private static boolean hasBearerToken(ServerWebExchange exchange) {
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    /** The mappings are fixed once the context runs; looked up on first use, not per request. */
    private List<HandlerMapping> candidates() {
        List<HandlerMapping> found = candidates;
        if (found == null) {
            found = mappings.orderedStream()
                    .filter(m -> m instanceof RequestMappingHandlerMapping || m instanceof RouterFunctionMapping)
                    .toList();
            candidates = found;
        }
        return found;
    }
}
