package city.onestop.platform.sms;

import city.onestop.platform.Masking;
import city.onestop.platform.SmsReceipt;
import city.onestop.platform.SmsRejected;
import city.onestop.platform.SmsSender;
import city.onestop.platform.SmsUnavailable;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.util.retry.Retry;

/**
 * The SMS provider over HTTP ({@code POST {base-url}/messages}, docs/sms.md). Order of the guards: a timeout per
 * attempt, the circuit breaker (timeouts, connection errors and 5xx count; a rejected number does not), then a
 * bounded retry of transient failures with the same {@code Idempotency-Key}, which the provider delivers once.
 * Never logs the text: it carries one-time codes.
 */
public class HttpSmsSender implements SmsSender {

    static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Logger log = LoggerFactory.getLogger(HttpSmsSender.class);

    private final WebClient web;
    private final SmsSettings settings;
    private final CircuitBreaker breaker;
    private final Clock clock;
    private final MeterRegistry meters;

    public HttpSmsSender(SmsSettings settings, Clock clock, MeterRegistry meters) {
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .responseTimeout(settings.timeout().plusSeconds(1));
        this.web = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build();
        this.settings = settings;
        this.clock = clock;
        this.meters = meters;
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(settings.circuitBreakerWindow())
                .minimumNumberOfCalls(settings.circuitBreakerMinimumCalls())
                .failureRateThreshold(settings.circuitBreakerFailureRate())
                .waitDurationInOpenState(settings.circuitBreakerOpenFor())
                .recordExceptions(SmsUnavailable.class)
                .build());
        this.breaker = breakers.circuitBreaker("sms-provider");
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        if (settings.baseUrl().isBlank()) {
            log.warn("onestop.sms.base-url is not set and onestop.sms.simulated is false: every text message will fail");
        }
    }

    @Override
    public Mono<SmsReceipt> send(String phoneE164, String text, String idempotencyKey) {
        if (phoneE164 == null || !E164.matcher(phoneE164).matches()) {
            return Mono.error(new SmsRejected("Not an E.164 phone number", 0));
        }
        if (text == null || text.isBlank() || idempotencyKey == null || idempotencyKey.isBlank()) {
            return Mono.error(new IllegalArgumentException("A text message needs a text and an idempotency key"));
        }
        if (settings.baseUrl().isBlank()) {
            return Mono.error(new SmsUnavailable("No SMS provider is configured (onestop.sms.base-url)", null));
        }
        Mono<SmsReceipt> attempt = Mono.defer(() -> web.post()
                        .uri(settings.baseUrl() + "/messages")
                        .contentType(MediaType.APPLICATION_JSON)
                        .accept(MediaType.APPLICATION_JSON)
                        .headers(h -> {
                            if (!settings.apiKey().isBlank()) {
                                h.setBearerAuth(settings.apiKey());
                            }
                        })
                        .header("Idempotency-Key", idempotencyKey)
                        .bodyValue(Map.of("to", phoneE164, "text", text))
                        .retrieve()
                        .bodyToMono(Wire.class)
                        .defaultIfEmpty(new Wire(null, null)))
                .map(this::receipt)
                .timeout(settings.timeout())
                .onErrorMap(HttpSmsSender::translate)
                .transformDeferred(CircuitBreakerOperator.of(breaker))
                .onErrorMap(CallNotPermittedException.class, e -> new SmsUnavailable("SMS provider circuit breaker is open", e));
        return attempt
                .retryWhen(Retry.backoff(settings.maxRetries(), settings.retryBackoff())
                        .filter(e -> e instanceof SmsUnavailable && !(e.getCause() instanceof CallNotPermittedException))
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
                .doOnNext(r -> {
                    meters.counter("onestop.sms.sent", "outcome", "accepted").increment();
                    log.info("Text message to {} accepted by the provider as {}", Masking.phone(phoneE164), r.providerMessageId());
                })
                .doOnError(e -> {
                    meters.counter("onestop.sms.sent", "outcome", e instanceof SmsRejected ? "rejected" : "unavailable").increment();
                    log.warn("Text message to {} not sent: {}", Masking.phone(phoneE164), e.getMessage());
                });
    }

    private SmsReceipt receipt(Wire wire) {
        if (wire.messageId() == null || wire.messageId().isBlank()) {
            throw new SmsUnavailable("The SMS provider accepted the message without a messageId", null);
        }
        Instant accepted = clock.instant();
        if (wire.acceptedAt() != null) {
            try {
                accepted = Instant.parse(wire.acceptedAt());
            } catch (DateTimeParseException e) {
                // the provider's clock format is not ours to enforce: the receipt time is ours then
            }
        }
        return new SmsReceipt(wire.messageId(), accepted);
    }

    private static Throwable translate(Throwable e) {
        if (e instanceof SmsRejected || e instanceof SmsUnavailable) {
            return e;
        }
        if (e instanceof WebClientResponseException r) {
            int status = r.getStatusCode().value();
            // 408 and 429 say "not now", not "never": the same message may be sent again later.
            if (r.getStatusCode().is4xxClientError() && status != 408 && status != 429) {
                return new SmsRejected("The SMS provider rejected the message (HTTP " + status + ")", status);
            }
            return new SmsUnavailable("The SMS provider answered HTTP " + status, e);
        }
        if (e instanceof TimeoutException) {
            return new SmsUnavailable("The SMS provider did not answer in time", e);
        }
        if (e instanceof WebClientRequestException) {
            return new SmsUnavailable("The SMS provider could not be reached", e);
        }
        return new SmsUnavailable("The SMS provider's answer could not be read: " + e.getClass().getSimpleName(), e);
    }

    /** The provider's answer to a send. */
    record Wire(@Nullable String messageId, @Nullable String acceptedAt) {}
}
