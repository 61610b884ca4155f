package city.onestop.platform.web;

import city.onestop.platform.PreparedRead;
import city.onestop.platform.PublicPaths;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Answers {@link PreparedRead}s ahead of Spring Security's filter chain and the dispatcher (see that type for the
 * contract). It takes a request only when the chain it skips would have let it through unchanged: a {@code GET} on a
 * path declared public, without {@code Authorization} (a token is checked, and a bad one refused, the ordinary way),
 * without {@code Origin} (CORS decides those), over plain HTTP (HSTS is sent on HTTPS), and with a URL and header
 * values of plain printable ASCII that the firewall cannot object to. It writes what the chain would add to such an
 * answer ({@code X-XSS-Protection: 0}; {@link SecurityHeadersFilter} adds the rest) and names the route in the HTTP
 * server observation, so {@code http_server_requests} counts it under its pattern.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class PreparedReadFilter implements WebFilter {

    private static final Logger log = LoggerFactory.getLogger(PreparedReadFilter.class);

    /** Requests answered here, per route: how much of the traffic skips the chain (and proof in tests that it does). */
    static final String METER = "onestop.prepared.reads";

    private record Route(PreparedRead read, PathPattern pattern, String prefix, @Nullable Counter answered) {}

    /** What Spring's CORS processor adds to every answer on a path with a CORS configuration. */
    private static final List<String> CORS_VARY = List.of(HttpHeaders.ORIGIN, HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD,
            HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);

    private final List<Route> routes;
    private final @Nullable CorsConfigurationSource cors;

    @Autowired
    PreparedReadFilter(List<PreparedRead> reads, List<PublicPaths> publicPaths, ObjectProvider<MeterRegistry> meters,
            ObjectProvider<CorsConfigurationSource> cors) {
        this(reads, publicPaths, meters.getIfAvailable(), cors.getIfAvailable());
    }

    PreparedReadFilter(List<PreparedRead> reads, List<PublicPaths> publicPaths, @Nullable MeterRegistry meters) {
        this(reads, publicPaths, meters, null);
    }

    PreparedReadFilter(List<PreparedRead> reads, List<PublicPaths> publicPaths, @Nullable MeterRegistry meters,
            @Nullable CorsConfigurationSource cors) {
        this.cors = cors;
        PathPatternParser parser = new PathPatternParser();
        List<PathPattern> open = publicPaths.stream()
                .filter(p -> p.method() == null || p.method() == HttpMethod.GET)
                .flatMap(p -> p.patterns().stream())
                .map(parser::parse)
                .toList();
        this.routes = reads.stream().map(read -> {
            PathPattern pattern = parser.parse(read.pattern());
            // A concrete path for the template (each {variable} one segment) must be public for GET.
            PathContainer example = PathContainer.parsePath(read.pattern().replaceAll("\\{[^}]+}", "x"));
            if (open.stream().noneMatch(p -> p.matches(example))) {
                throw new IllegalStateException("A prepared read must be on a public GET path: " + read.pattern());
            }
            String text = read.pattern();
            int variable = text.indexOf('{');
            Counter answered = meters == null ? null : Counter.builder(METER)
                    .description("Public GETs answered from prepared bytes, ahead of the security chain")
                    .tag("uri", read.pattern())
                    .register(meters);
            return new Route(read, pattern, variable < 0 ? text : text.substring(0, variable), answered);
        }).toList();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (routes.isEmpty()) {
            return chain.filter(exchange);
        }
        ServerHttpRequest request = exchange.getRequest();
        if (request.getMethod() != HttpMethod.GET) {
            return chain.filter(exchange);
        }
        String path = request.getPath().value();
        Route route = null;
        for (Route r : routes) {
            if (path.startsWith(r.prefix())) {
                route = r;
                break;
            }
        }
        if (route == null || !eligible(request, path)) {
            return chain.filter(exchange);
        }
        PathContainer container = request.getPath().pathWithinApplication();
        for (Route r : routes) {
            if (!path.startsWith(r.prefix())) {
                continue;
            }
            PathPattern.PathMatchInfo match = r.pattern().matchAndExtract(container);
            if (match != null) {
                return answer(exchange, chain, r, match.getUriVariables());
            }
        }
        return chain.filter(exchange);
    }

    private Mono<Void> answer(ServerWebExchange exchange, WebFilterChain chain, Route route, Map<String, String> variables) {
        Mono<PreparedRead.Answer> answer;
        try {
            PreparedRead.Answer ready = route.read().ready(exchange, variables);
            if (ready != null) {
                return write(exchange, route, ready, cors);
            }
            answer = route.read().answer(exchange, variables);
        } catch (RuntimeException e) {
            return ordinaryWay(exchange, chain, route, e);
        }
        return answer
                .map(a -> write(exchange, route, a, cors))
                .onErrorResume(e -> Mono.just(ordinaryWay(exchange, chain, route, e)))
                .defaultIfEmpty(Mono.defer(() -> chain.filter(exchange)))
                .flatMap(next -> next);
    }

    private static Mono<Void> ordinaryWay(ServerWebExchange exchange, WebFilterChain chain, Route route, Throwable e) {
        // The ordinary way computes the answer again and reports a real failure as a problem; nothing is hidden.
        log.debug("Prepared read {} failed; taking the ordinary way", route.read().pattern(), e);
        return chain.filter(exchange);
    }

    private static Mono<Void> write(ServerWebExchange exchange, Route route, PreparedRead.Answer answer,
            @Nullable CorsConfigurationSource cors) {
        String pattern = route.read().pattern();
        exchange.getAttributes().put(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, route.pattern());
        ServerRequestObservationContext.findCurrent(exchange.getAttributes()).ifPresent(c -> c.setPathPattern(pattern));
        if (route.answered() != null) {
            route.answered().increment();
        }
        ServerHttpResponse response = exchange.getResponse();
        HttpHeaders headers = response.getHeaders();
        headers.set("X-XSS-Protection", "0");
        headers.set(HttpHeaders.ETAG, answer.etag());
        headers.set(HttpHeaders.CACHE_CONTROL, answer.cacheControl());
        if (answer.vary() != null) {
            // As the controller's ResponseEntity does: its Vary replaces what the CORS filter put there.
            headers.set(HttpHeaders.VARY, answer.vary());
        } else if (cors != null && cors.getCorsConfiguration(exchange) != null) {
            // The security chain's CORS filter says so on every answer of a path with a CORS configuration.
            headers.addAll(HttpHeaders.VARY, CORS_VARY);
        }
        // The framework's own conditional check, as for a controller's ResponseEntity with an ETag.
        if (exchange.checkNotModified(answer.etag())) {
            return response.setComplete();
        }
        response.setStatusCode(HttpStatus.OK);
        headers.setContentType(answer.contentType());
        headers.setContentLength(answer.body().length);
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(answer.body())));
    }

    /**
     * What the skipped chain would have passed through unchanged: no credentials, no cross-origin request, not HTTPS,
     * nothing in the URL outside plain printable ASCII (encoded characters, dot segments or double slashes in the path
     * are the firewall's to refuse), plain printable ASCII in the headers the ordinary way reads for such a request
     * (the firewall checks a header when it is read), and an {@code Accept} that takes JSON as it is (anything else is
     * content negotiation's to decide, a 406 for instance). Headers are looked up by name: iterating all of them
     * costs more than the rest of the answer.
     */
    static boolean eligible(ServerHttpRequest request, String path) {
        HttpHeaders headers = request.getHeaders();
        if (headers.containsHeader(HttpHeaders.AUTHORIZATION) || headers.containsHeader(HttpHeaders.ORIGIN)
                || request.getSslInfo() != null || !"http".equals(request.getURI().getScheme())) {
            return false;
        }
        if (!plainPath(path)) {
            return false;
        }
        String query = request.getURI().getRawQuery();
        if (query != null && !plainQuery(query)) {
            return false;
        }
        for (String name : READ_HEADERS) {
            List<String> values = headers.get(name);
            if (values != null) {
                for (String value : values) {
                    if (!printable(value)) {
                        return false;
                    }
                }
            }
        }
        List<String> accept = headers.get(HttpHeaders.ACCEPT);
        return accept == null || (accept.size() == 1 && takesJson(accept.get(0)));
    }

    /** The request headers the ordinary way reads on these routes (besides the two whose presence excludes it). */
    private static final List<String> READ_HEADERS = List.of(HttpHeaders.ACCEPT, HttpHeaders.ACCEPT_LANGUAGE,
            HttpHeaders.IF_NONE_MATCH, HttpHeaders.IF_MATCH, HttpHeaders.IF_MODIFIED_SINCE, HttpHeaders.IF_UNMODIFIED_SINCE);

    /** An Accept header that plainly takes {@code application/json}: no quality values or parameters to weigh. */
    private static boolean takesJson(String accept) {
        if (accept.indexOf(';') >= 0) {
            return false;
        }
        for (String range : accept.split(",")) {
            String r = range.strip();
            if (r.equals("*/*") || r.equals("application/*") || r.equals("application/json")) {
                return true;
            }
        }
        return false;
    }

    private static boolean plainPath(String path) {
        char previous = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == ':' || c == '/' || (c == '.' && previous != '/');
            if (!ok || (c == '/' && previous == '/')) {
                return false;
            }
            previous = c;
        }
        return !path.endsWith("/") && !path.endsWith(".");
    }

    private static boolean plainQuery(String query) {
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == ':' || c == '=' || c == '&' || c == '+';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }
}
