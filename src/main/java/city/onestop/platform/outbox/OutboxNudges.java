package city.onestop.platform.outbox;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * "There is something new in the outbox": after a commit the appending instance wakes its own relay at once and
 * tells the others on Redis channel {@value #CHANNEL}. The message carries nothing; a lost one costs one poll
 * interval, since every relay also polls PostgreSQL, the truth.
 */
@Component
class OutboxNudges implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxNudges.class);
    static final String CHANNEL = "onestop:outbox";
    private static final Duration PUBLISH_TIMEOUT = Duration.ofMillis(500);

    private final ReactiveStringRedisTemplate redis;
    private final ReactiveRedisConnectionFactory factory;
    private final Sinks.Many<Boolean> local = Sinks.many().multicast().directBestEffort();
    private volatile Disposable subscription;
    private volatile ReactiveRedisMessageListenerContainer container;

    OutboxNudges(ReactiveStringRedisTemplate redis, ReactiveRedisConnectionFactory factory) {
        this.redis = redis;
        this.factory = factory;
    }

    /** Wakes this instance's relay and announces on Redis; Redis trouble is logged, never raised. */
    Mono<Void> nudge() {
        return Mono.fromRunnable(() -> local.tryEmitNext(true))
                .then(redis.convertAndSend(CHANNEL, "1")
                        .timeout(PUBLISH_TIMEOUT)
                        .doOnError(e -> log.debug("Could not nudge the outbox relays on Redis: {}", e.toString()))
                        .onErrorResume(e -> Mono.empty()))
                .then();
    }

    /** Nudges from this instance and from the others. */
    Flux<Boolean> nudges() {
        return local.asFlux();
    }

    @Override
    public void start() {
        // The container connects in its constructor, and blocks doing so: made off the caller's thread, and again on
        // every retry, so a slow or absent Redis at start-up delays nudges (polls still run) instead of failing start.
        subscription = Mono.fromCallable(() -> {
                    ReactiveRedisMessageListenerContainer c = container;
                    if (c == null) {
                        c = new ReactiveRedisMessageListenerContainer(factory);
                        container = c;
                    }
                    return c;
                })
                .subscribeOn(Schedulers.boundedElastic())
                .flatMapMany(c -> c.receive(ChannelTopic.of(CHANNEL)))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(15))
                        .doBeforeRetry(s -> log.warn("Outbox nudge channel lost, resubscribing: {}", s.failure().toString())))
                .subscribe(message -> local.tryEmitNext(true), e -> log.error("Outbox nudge channel stopped", e));
    }

    @Override
    public void stop() {
        Disposable s = subscription;
        if (s != null) s.dispose();
        ReactiveRedisMessageListenerContainer c = container;
        if (c != null) c.destroyLater().subscribe(null, e -> log.debug("Closing the listener container: {}", e.toString()));
        subscription = null;
        container = null;
    }

    @Override
    public boolean isRunning() {
        return subscription != null;
    }
}
