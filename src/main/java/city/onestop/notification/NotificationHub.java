package city.onestop.notification;

import java.time.Duration;
import java.util.UUID;
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
import reactor.util.retry.Retry;

/**
 * Tells every instance that a citizen has a new notification, through one Redis pub/sub channel. The message is only
 * the citizen id: open streams then read what is new from PostgreSQL, the truth, so a lost message delays a
 * notification until the stream's next heartbeat re-check, and never loses it.
 */
@Component
class NotificationHub implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NotificationHub.class);
    static final String CHANNEL = "onestop:notifications";
    private static final Duration PUBLISH_TIMEOUT = Duration.ofMillis(500);

    private final ReactiveStringRedisTemplate redis;
    private final ReactiveRedisConnectionFactory factory;
    private final Sinks.Many<UUID> local = Sinks.many().multicast().directBestEffort();
    private volatile Disposable subscription;
    private volatile ReactiveRedisMessageListenerContainer container;

    NotificationHub(ReactiveStringRedisTemplate redis, ReactiveRedisConnectionFactory factory) {
        this.redis = redis;
        this.factory = factory;
    }

    /** Announces a new notification of the citizen to all instances; Redis trouble is logged, not raised. */
    Mono<Void> announce(UUID citizenId) {
        return redis.convertAndSend(CHANNEL, citizenId.toString())
                .timeout(PUBLISH_TIMEOUT)
                .doOnError(e -> log.debug("Could not announce a notification on Redis: {}", e.toString()))
                .onErrorResume(e -> Mono.empty())
                .then();
    }

    /** Signals for one citizen's new notifications, from any instance. */
    Flux<UUID> signals(UUID citizenId) {
        return local.asFlux().filter(citizenId::equals);
    }

    @Override
    public void start() {
        container = new ReactiveRedisMessageListenerContainer(factory);
        subscription = Flux.defer(() -> container.receive(ChannelTopic.of(CHANNEL)))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(15))
                        .doBeforeRetry(s -> log.warn("Notification channel lost, resubscribing: {}", s.failure().toString())))
                .subscribe(message -> {
                    try {
                        local.tryEmitNext(UUID.fromString(message.getMessage()));
                    } catch (IllegalArgumentException e) {
                        log.warn("Ignoring a malformed message on {}", CHANNEL);
                    }
                }, e -> log.error("Notification channel stopped", e));
    }

    @Override
    public void stop() {
        Disposable s = subscription;
        if (s != null) s.dispose();
        ReactiveRedisMessageListenerContainer c = container;
        if (c != null) c.destroyLater().subscribe(null, e -> log.debug("Closing the listener container: {}", e.toString()));
        subscription = null;
    }

    @Override
    public boolean isRunning() {
        return subscription != null;
    }
}
