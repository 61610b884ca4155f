package city.onestop.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import city.onestop.platform.PreparedRead;
import city.onestop.platform.PublicPaths;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

class PreparedReadFilterTests {

    private static final byte[] BODY = "{\"id\":\"demo:E5\"}".getBytes(StandardCharsets.UTF_8);
    private static final String ETAG = "\"abc123\"";

    /** A read that knows one stop, and records what it was asked. */
    private static PreparedRead stops() {
        return new PreparedRead() {
            @Override
            public String pattern() {
                return "/api/v1/transit/stops/{stopId}";
            }

            @Override
            public Mono<Answer> answer(ServerWebExchange exchange, Map<String, String> variables) {
                return switch (variables.get("stopId")) {
                    case "demo:E5" -> Mono.just(Answer.json(BODY, ETAG, "max-age=300, public").varyBy("Accept-Language"));
                    case "demo:PLAIN" -> Mono.just(Answer.json(BODY, ETAG, "max-age=300, public"));
                    case "demo:BROKEN" -> Mono.error(new IllegalStateException("boom"));
                    default -> Mono.empty();
                };
            }
        };
    }

    private static PreparedReadFilter filter() {
        return new PreparedReadFilter(List.of(stops()), List.of(PublicPaths.get("/api/v1/transit/**")), (MeterRegistry) null);
    }

    /** A chain that marks that the request took the ordinary way. */
    private static final class Ordinary implements WebFilterChain {
        final AtomicBoolean called = new AtomicBoolean();

        @Override
        public Mono<Void> filter(ServerWebExchange exchange) {
            called.set(true);
            return Mono.empty();
        }
    }

    private static Ordinary run(MockServerWebExchange exchange) {
        Ordinary chain = new Ordinary();
        filter().filter(exchange, chain).block(Duration.ofSeconds(5));
        return chain;
    }

    @Test
    void answersPreparedBytesWithTheirEtagCacheControlAndVary() {
        var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("http://localhost/api/v1/transit/stops/demo:E5"));
        Ordinary chain = run(exchange);

        assertThat(chain.called).isFalse();
        var response = exchange.getResponse();
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(response.getHeaders().getContentLength()).isEqualTo(BODY.length);
        assertThat(response.getHeaders().getETag()).isEqualTo(ETAG);
        assertThat(response.getHeaders().getCacheControl()).isEqualTo("max-age=300, public");
        assertThat(response.getHeaders().getFirst("Vary")).isEqualTo("Accept-Language");
        assertThat(response.getHeaders().getFirst("X-XSS-Protection")).isEqualTo("0");
        assertThat(response.getBodyAsString().block(Duration.ofSeconds(5))).isEqualTo(new String(BODY, StandardCharsets.UTF_8));
    }

    @Test
    void answersWhenAcceptTakesJsonAsItIs() {
        for (String accept : List.of("*/*", "application/json", "text/html, application/json", "application/*")) {
            var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("http://localhost/api/v1/transit/stops/demo:E5")
                    .header("Accept", accept));
            assertThat(run(exchange).called).as(accept).isFalse();
            assertThat(exchange.getResponse().getStatusCode()).as(accept).isEqualTo(HttpStatus.OK);
        }
    }

    @Test
    void answersNotModifiedToAMatchingIfNoneMatch() {
        var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("http://localhost/api/v1/transit/stops/demo:E5")
                .header("If-None-Match", ETAG));
        run(exchange);

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.NOT_MODIFIED);
        assertThat(exchange.getResponse().getHeaders().getETag()).isEqualTo(ETAG);
        assertThat(exchange.getResponse().getHeaders().getCacheControl()).isEqualTo("max-age=300, public");
        assertThat(exchange.getResponse().getBodyAsString().block(Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void namesTheRouteInTheHttpServerObservation() {
        var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("http://localhost/api/v1/transit/stops/demo:E5"));
        var context = new ServerRequestObservationContext(exchange.getRequest(), exchange.getResponse(), exchange.getAttributes());
        exchange.getAttributes().put(ServerRequestObservationContext.CURRENT_OBSERVATION_CONTEXT_ATTRIBUTE, context);
        run(exchange);

        assertThat(context.getPathPattern()).isEqualTo("/api/v1/transit/stops/{stopId}");
    }

    @Test
    void variesLikeTheOrdinaryWayWhenAPathHasACorsConfiguration() {
        var cors = new UrlBasedCorsConfigurationSource();
        var config = new CorsConfiguration();
        config.addAllowedOrigin("https://city.example");
        cors.registerCorsConfiguration("/**", config);
        var filter = new PreparedReadFilter(List.of(stops()), List.of(PublicPaths.get("/api/v1/transit/**")), null, cors);
        var plain = MockServerWebExchange.from(MockServerHttpRequest.get("http://localhost/api/v1/transit/stops/demo:PLAIN"));
        filter.filter(plain, new Ordinary()).block(Duration.ofSeconds(5));
        assertThat(plain.getResponse().getHeaders().get("Vary"))
                .containsExactly("Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers");

        // An answer with a Vary of its own replaces it, as a controller's ResponseEntity does.
        var varied = MockServerWebExchange.from(MockServerHttpRequest.get("http://localhost/api/v1/transit/stops/demo:E5"));
        filter.filter(varied, new Ordinary()).block(Duration.ofSeconds(5));
        assertThat(varied.getResponse().getHeaders().get("Vary")).containsExactly("Accept-Language");
    }

    @Test
    void countsWhatItAnswersPerRoute() {
        var meters = new SimpleMeterRegistry();
        var filter = new PreparedReadFilter(List.of(stops()), List.of(PublicPaths.get("/api/v1/transit/**")), meters);
        for (String stop : List.of("demo:E5", "demo:E5", "demo:UNKNOWN")) {
            var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("http://localhost/api/v1/transit/stops/" + stop));
            filter.filter(exchange, new Ordinary()).block(Duration.ofSeconds(5));
        }
        assertThat(meters.get(PreparedReadFilter.METER).tag("uri", "/api/v1/transit/stops/{stopId}").counter().count())
                .isEqualTo(2.0);
    }

    @Test
    void leavesWhatItCannotAnswerToTheOrdinaryWay() {
        for (String stop : List.of("demo:UNKNOWN", "demo:BROKEN")) {
            var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("http://localhost/api/v1/transit/stops/" + stop));
            assertThat(run(exchange).called).as(stop).isTrue();
            assertThat(exchange.getResponse().getStatusCode()).as(stop).isNull();
        }
    }

    @Test
    void leavesRequestsTheSecurityChainWouldTreatDifferentlyToIt() {
        String url = "http://localhost/api/v1/transit/stops/demo:E5";
        List<MockServerHttpRequest> requests = List.of(
                MockServerHttpRequest.get(url).header("Authorization", "Bearer not-a-token").build(),
                MockServerHttpRequest.get(url).header("Origin", "https://elsewhere.example").build(),
                MockServerHttpRequest.get("https://localhost/api/v1/transit/stops/demo:E5").build(),
                MockServerHttpRequest.get(url).header("Accept-Language", "zh\u0001").build(),
                MockServerHttpRequest.get("http://localhost/api/v1/transit/stops/demo%3AE5").build(),
                MockServerHttpRequest.get(url + "?x=%00").build(),
                MockServerHttpRequest.get(url).header("Accept", "text/html").build(),
                MockServerHttpRequest.get(url).header("Accept", "application/json;q=0, text/plain").build(),
                MockServerHttpRequest.get(url).header("If-None-Match", "\"a\u0007\"").build(),
                MockServerHttpRequest.head(url).build(),
                MockServerHttpRequest.post(url).build());
        for (MockServerHttpRequest request : requests) {
            var exchange = MockServerWebExchange.from(request);
            assertThat(run(exchange).called).as(request.getMethod() + " " + request.getURI() + " " + request.getHeaders())
                    .isTrue();
        }
    }

    @Test
    void leavesRawPathsTheFirewallJudgesToIt() {
        var request = MockServerHttpRequest.get("http://localhost/api/v1/transit/stops/demo:E5").build();
        assertThat(PreparedReadFilter.eligible(request, "/api/v1/transit/stops/demo:E5")).isTrue();
        for (String raw : List.of("/api/v1/transit//stops/demo:E5", "/api/v1/transit/stops/../stops/demo:E5",
                "/api/v1/transit/stops/./demo:E5", "/api/v1/transit/stops/demo%3AE5", "/api/v1/transit/stops/demo;x=1:E5",
                "/api/v1/transit/stops/demo:E5/", "/api/v1/transit/stops/\u00e9")) {
            assertThat(PreparedReadFilter.eligible(request, raw)).as(raw).isFalse();
        }
    }

    @Test
    void refusesAPreparedReadOnAPathThatIsNotPublic() {
        assertThatThrownBy(() -> new PreparedReadFilter(List.of(stops()), List.of(PublicPaths.get("/api/v1/other/**"),
                        PublicPaths.post("/api/v1/transit/**")), (MeterRegistry) null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/api/v1/transit/stops/{stopId}");
    }
}
