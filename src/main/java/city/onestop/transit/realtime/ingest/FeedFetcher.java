package city.onestop.transit.realtime.ingest;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * One GET of a feed URL, the way a polite and robust client does it: conditional ({@code If-None-Match},
 * {@code If-Modified-Since}), bounded in time per attempt and in body size, behind a circuit breaker per URL,
 * retried with backoff on transient failures (the GET is idempotent). Failures come out as {@link FetchFailed}
 * with a stable reason for counting.
 */
final class FeedFetcher {

    /** What the last good response said about itself, sent back so an unchanged feed costs a 304. */
    record Validators(@Nullable String etag, @Nullable String lastModified) {
        static final Validators NONE = new Validators(null, null);
    }

    sealed interface Fetch {}

    record Fetched(byte[] body, Validators validators) implements Fetch {}

    record NotModified() implements Fetch {}

    enum FailureReason {
        TIMEOUT,
        HTTP_SERVER_ERROR,
        HTTP_CLIENT_ERROR,
        TOO_LARGE,
        CONNECTION,
        CIRCUIT_OPEN
    }

    static final class FetchFailed extends RuntimeException {
        final FailureReason reason;

        FetchFailed(FailureReason reason, String detail, @Nullable Throwable cause) {
            super(detail, cause, false, false);
            this.reason = reason;
        }

        boolean transientFailure() {
            return reason == FailureReason.TIMEOUT
                    || reason == FailureReason.HTTP_SERVER_ERROR
                    || reason == FailureReason.CONNECTION;
        }
    }

    private final WebClient web;
    private final CircuitBreakerRegistry breakers;
    private final LiveFeedProperties.Realtime config;

    FeedFetcher(WebClient web, CircuitBreakerRegistry breakers, LiveFeedProperties.Realtime config) {
        this.web = web;
        this.breakers = breakers;
        this.config = config;
    }

    CircuitBreaker breaker(String feedId, FeedKind kind) {
        return breakers.circuitBreaker(feedId + "." + kind.slug());
    }

    Mono<Fetch> fetch(String feedId, FeedKind kind, String url, Validators validators) {
        CircuitBreaker breaker = breaker(feedId, kind);
        int maxBytes = (int) Math.min(Integer.MAX_VALUE, config.maxBodySize().toBytes());
        return Mono.defer(() -> web.get()
                        .uri(url)
                        .headers(h -> {
                            if (validators.etag() != null) h.set(HttpHeaders.IF_NONE_MATCH, validators.etag());
                            if (validators.lastModified() != null) {
                                h.set(HttpHeaders.IF_MODIFIED_SINCE, validators.lastModified());
                            }
                        })
                        .exchangeToMono(response -> read(response, validators, maxBytes)))
                .timeout(config.requestTimeout())
                .onErrorMap(e -> !(e instanceof FetchFailed), FeedFetcher::classify)
                .transformDeferred(CircuitBreakerOperator.of(breaker))
                .onErrorMap(CallNotPermittedException.class,
                        e -> new FetchFailed(FailureReason.CIRCUIT_OPEN, "circuit open for " + url, e))
                .retryWhen(Retry.backoff(config.retries(), config.retryBackoff())
                        .maxBackoff(config.retryBackoff().multipliedBy(8))
                        .filter(e -> e instanceof FetchFailed f && f.transientFailure())
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }

    private static Mono<Fetch> read(ClientResponse response, Validators previous, int maxBytes) {
        HttpStatus status = HttpStatus.resolve(response.statusCode().value());
        if (response.statusCode().value() == 304) {
            return response.releaseBody().then(Mono.just(new NotModified()));
        }
        if (response.statusCode().is5xxServerError() || response.statusCode().value() == 429) {
            return response.releaseBody()
                    .then(Mono.error(new FetchFailed(
                            FailureReason.HTTP_SERVER_ERROR, "upstream answered " + response.statusCode(), null)));
        }
        if (!response.statusCode().is2xxSuccessful()) {
            return response.releaseBody()
                    .then(Mono.error(new FetchFailed(
                            FailureReason.HTTP_CLIENT_ERROR,
                            "upstream answered " + (status != null ? status : response.statusCode()),
                            null)));
        }
        long declared = response.headers().contentLength().orElse(-1);
        if (declared > maxBytes) {
            return response.releaseBody()
                    .then(Mono.error(tooLarge(declared + " bytes declared", maxBytes)));
        }
        Validators validators = new Validators(
                response.headers().asHttpHeaders().getETag(),
                response.headers().asHttpHeaders().getFirst(HttpHeaders.LAST_MODIFIED));
        return DataBufferUtils.join(response.body(BodyExtractors.toDataBuffers()), maxBytes)
                .map(buffer -> {
                    try {
                        byte[] bytes = new byte[buffer.readableByteCount()];
                        buffer.read(bytes);
                        return (Fetch) new Fetched(bytes, validators.etag() == null && validators.lastModified() == null
                                ? Validators.NONE
                                : validators);
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .defaultIfEmpty(new Fetched(new byte[0], validators))
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge("body exceeds limit", maxBytes));
    }

    private static FetchFailed tooLarge(String what, int maxBytes) {
        return new FetchFailed(FailureReason.TOO_LARGE, what + " (limit " + maxBytes + " bytes)", null);
    }

    private static Throwable classify(Throwable e) {
        if (e instanceof TimeoutException) {
            return new FetchFailed(FailureReason.TIMEOUT, "no complete answer in time", e);
        }
        if (e instanceof WebClientRequestException) {
            return new FetchFailed(FailureReason.CONNECTION, e.getMessage(), e);
        }
        if (e instanceof CallNotPermittedException) return e;
        return new FetchFailed(FailureReason.CONNECTION, e.toString(), e);
    }

}
