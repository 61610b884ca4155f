package city.onestop.participation.forwarding;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The 12345 system over HTTP: {@code POST /cases} files a case (the case id is the {@code Idempotency-Key}, so a
 * retried filing is one case there), {@code GET /cases/{id}} reads its status and reply. The key goes in
 * {@code X-Api-Key}. Each call has a timeout, then the circuit breaker; retries are the forwarder's (from its table).
 */
@Component
class HotlineClient {

    /** The hotline refused the request (4xx): retrying it unchanged will not help. */
    static final class Rejected extends RuntimeException {
        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    /** Timeout, 5xx, connection failure or an open breaker: try again later. */
    static final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    record Filing(String id) {}

    record Status(String status, String reply) {}

    private final WebClient web;
    private final HotlineEndpoint endpoint;
    private final Duration timeout;
    private final CircuitBreaker breaker;

    HotlineClient(HotlineEndpoint endpoint, HotlineSettings settings, MeterRegistry meters) {
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .responseTimeout(settings.timeout().plusSeconds(1));
        this.web = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build();
        this.endpoint = endpoint;
        this.timeout = settings.timeout();
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50f)
                .waitDurationInOpenState(Duration.ofSeconds(30))
                .recordExceptions(Unavailable.class)
                .build());
        this.breaker = breakers.circuitBreaker("hotline-12345");
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
    }

    Mono<Filing> file(String caseId, Map<String, Object> body) {
        return guarded(target -> web.post()
                .uri(target.baseUrl() + "/cases")
                .header("X-Api-Key", target.apiKey())
                .header("Idempotency-Key", caseId)
                .bodyValue(body)
                .retrieve()
                .bodyToMono(Filing.class)
                .filter(f -> f.id() != null && !f.id().isBlank())
                .switchIfEmpty(Mono.error(() -> new Unavailable("the hotline answered without a case id", null))));
    }

    Mono<Status> status(String externalId) {
        return guarded(target -> web.get()
                .uri(target.baseUrl() + "/cases/{id}", externalId)
                .header("X-Api-Key", target.apiKey())
                .retrieve()
                .bodyToMono(Status.class));
    }

    private <T> Mono<T> guarded(java.util.function.Function<HotlineEndpoint.Target, Mono<T>> call) {
        return Mono.defer(() -> {
                    HotlineEndpoint.Target target = endpoint.target();
                    if (target == null) return Mono.error(new Unavailable("forwarding to 12345 is off", null));
                    return call.apply(target)
                            .timeout(timeout)
                            .onErrorMap(e -> !(e instanceof Unavailable), HotlineClient::classify);
                })
                .transformDeferred(CircuitBreakerOperator.of(breaker))
                .onErrorMap(CallNotPermittedException.class, e -> new Unavailable("the hotline's circuit breaker is open", e));
    }

    private static Throwable classify(Throwable e) {
        if (e instanceof WebClientResponseException r && r.getStatusCode().is4xxClientError()) {
            return new Rejected("the hotline refused: HTTP " + r.getStatusCode().value());
        }
        String what = e instanceof WebClientResponseException r ? "HTTP " + r.getStatusCode().value() : e.getClass().getSimpleName();
        return new Unavailable("the hotline did not answer: " + what, e);
    }
}
