package city.onestop.billing.provider;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The provider over HTTP. Each call has its own timeout, then the circuit breaker (timeouts and 5xx count as
 * failures, declines do not), then the bulkhead. Charges are never retried: a timeout becomes
 * {@link PaymentProvider.OutcomeUnknown} and the reconciler asks later with {@link #find}.
 */
@Component
class HttpPaymentProvider implements PaymentProvider {

    private final WebClient web;
    private final ProviderEndpoint endpoint;
    private final Duration timeout;
    private final CircuitBreaker circuitBreaker;
    private final Bulkhead bulkhead;

    HttpPaymentProvider(ProviderEndpoint endpoint, ProviderSettings settings, MeterRegistry meters) {
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .responseTimeout(settings.timeout().plusSeconds(1));
        // Boot 4 ships the WebClient.Builder auto-configuration in a module we do not use; the defaults suffice here.
        this.web = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build();
        this.endpoint = endpoint;
        this.timeout = settings.timeout();
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(settings.circuitBreakerWindow())
                .minimumNumberOfCalls(settings.circuitBreakerMinimumCalls())
                .failureRateThreshold(settings.circuitBreakerFailureRate())
                .waitDurationInOpenState(settings.circuitBreakerOpenFor())
                .recordExceptions(OutcomeUnknown.class)
                .build());
        BulkheadRegistry bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(settings.bulkheadMaxConcurrent())
                .maxWaitDuration(Duration.ZERO)
                .build());
        this.circuitBreaker = breakers.circuitBreaker("payment-provider");
        this.bulkhead = bulkheads.bulkhead("payment-provider");
        // resilience4j_circuitbreaker_* and resilience4j_bulkhead_* in /actuator/prometheus
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
    }

    @Override
    public Mono<ProviderPayment> charge(ChargeRequest request) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("merchantReference", request.paymentId().toString());
        body.put("amountFen", request.amountFen());
        body.put("currency", request.currency());
        body.put("channel", request.channel());
        if (request.callbackUrl() != null && !request.callbackUrl().isBlank()) {
            body.put("callbackUrl", request.callbackUrl());
        }
        Mono<ProviderPayment> call = Mono.defer(() -> web.post()
                        .uri(endpoint.baseUrl() + "/payments")
                        .header("Idempotency-Key", request.paymentId().toString())
                        .bodyValue(body)
                        .retrieve()
                        .bodyToMono(Wire.class))
                .map(Wire::toPayment)
                .onErrorResume(WebClientResponseException.class, e -> e.getStatusCode().is4xxClientError()
                        // The provider refused the request itself (bad amount, unknown channel): nothing was charged.
                        ? Mono.just(new ProviderPayment(null, Status.DECLINED, request.amountFen(), request.currency()))
                        : Mono.error(e));
        return guarded(call, "charge");
    }

    @Override
    public Mono<ProviderPayment> find(UUID paymentId) {
        Mono<ProviderPayment> call = Mono.defer(() -> web.get()
                        .uri(endpoint.baseUrl() + "/payments/{ref}", paymentId)
                        .retrieve()
                        .bodyToMono(Wire.class))
                .map(Wire::toPayment)
                .onErrorResume(WebClientResponseException.class, e -> e.getStatusCode().value() == HttpStatus.NOT_FOUND.value()
                        ? Mono.empty()
                        : Mono.error(e));
        return guarded(call, "lookup");
    }

    @Override
    public Mono<Void> refund(UUID paymentId, UUID refundId, long amountFen) {
        Mono<Void> call = Mono.defer(() -> web.post()
                .uri(endpoint.baseUrl() + "/refunds")
                .header("Idempotency-Key", refundId.toString())
                .bodyValue(Map.of("merchantReference", paymentId.toString(), "refundReference", refundId.toString(),
                        "amountFen", amountFen))
                .retrieve()
                .toBodilessEntity()
                .then());
        return guarded(call, "refund");
    }

    private <T> Mono<T> guarded(Mono<T> call, String what) {
        return call.timeout(timeout)
                .onErrorMap(e -> e instanceof TimeoutException || e instanceof WebClientRequestException
                                || (e instanceof WebClientResponseException r && r.getStatusCode().is5xxServerError()),
                        e -> new OutcomeUnknown("Provider " + what + " outcome unknown: " + e.getClass().getSimpleName(), e))
                .transformDeferred(CircuitBreakerOperator.of(circuitBreaker))
                .transformDeferred(BulkheadOperator.of(bulkhead))
                .onErrorMap(e -> e instanceof CallNotPermittedException || e instanceof BulkheadFullException,
                        e -> new ProviderUnavailable("Provider " + what + " not attempted: " + e.getMessage(), e));
    }

    /** The provider's JSON. */
    record Wire(String providerReference, String merchantReference, String status, Long amountFen, String currency) {
        ProviderPayment toPayment() {
            Status s;
            try {
                s = Status.valueOf(String.valueOf(status));
            } catch (IllegalArgumentException e) {
                throw new OutcomeUnknown("Provider answered an unknown status " + status, e);
            }
            return new ProviderPayment(providerReference, s, amountFen == null ? -1 : amountFen, currency == null ? "CNY" : currency);
        }
    }
}
