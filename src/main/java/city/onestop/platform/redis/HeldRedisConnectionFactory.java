package city.onestop.platform.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.ReactiveGeoCommands;
import org.springframework.data.redis.connection.ReactiveHashCommands;
import org.springframework.data.redis.connection.ReactiveHyperLogLogCommands;
import org.springframework.data.redis.connection.ReactiveKeyCommands;
import org.springframework.data.redis.connection.ReactiveListCommands;
import org.springframework.data.redis.connection.ReactiveNumberCommands;
import org.springframework.data.redis.connection.ReactivePubSubCommands;
import org.springframework.data.redis.connection.ReactiveRedisClusterConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.ReactiveScriptingCommands;
import org.springframework.data.redis.connection.ReactiveServerCommands;
import org.springframework.data.redis.connection.ReactiveSetCommands;
import org.springframework.data.redis.connection.ReactiveStreamCommands;
import org.springframework.data.redis.connection.ReactiveStringCommands;
import org.springframework.data.redis.connection.ReactiveZSetCommands;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * The reactive connection factory every template and health check uses: it hands out one Lettuce connection
 * obtained once, off the request path, and never touches Spring Data Redis's connection lock afterwards.
 *
 * <p>Why: {@link LettuceConnectionFactory#getReactiveConnection()} takes a {@code ReentrantLock} on every call
 * (to find the shared connection, then to read it), and a template calls it for every command. Two event loops
 * asking at once park one of them on that lock: a blocked event loop (BlockHound's {@code Unsafe#park} under
 * {@code RedisRateLimiter}). While Redis is unreachable the same call even connects synchronously inside the lock,
 * stalling the event loop for the connect timeout.
 *
 * <p>How: the shared connection is obtained at start-up on the main thread, before the web server takes requests.
 * Lettuce reconnects that connection by itself after a Redis restart, so it is kept for the life of the
 * application. If Redis is unreachable at start, requests get a {@link RedisConnectionFailureException} at once
 * (callers fail open or fall back to PostgreSQL; readiness reports DOWN) while a retry on {@code boundedElastic}
 * keeps connecting. Commands go to the shared connection; pub/sub, which needs a connection of its own, gets a real
 * one from Lettuce per subscriber, released when the subscriber closes it. Cluster mode is passed through.
 */
final class HeldRedisConnectionFactory implements ReactiveRedisConnectionFactory, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HeldRedisConnectionFactory.class);

    private final LettuceConnectionFactory lettuce;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private volatile ReactiveRedisConnection shared;
    private volatile Disposable reconnect;
    private volatile boolean running;

    HeldRedisConnectionFactory(LettuceConnectionFactory lettuce) {
        this.lettuce = lettuce;
    }

    @Override
    public ReactiveRedisConnection getReactiveConnection() {
        if (lettuce.isClusterAware()) {
            return lettuce.getReactiveConnection();
        }
        ReactiveRedisConnection held = shared;
        if (held == null) {
            connectInBackground();
            throw new RedisConnectionFailureException("Redis is not connected yet; the connection is being retried");
        }
        return new Lease(held);
    }

    @Override
    public ReactiveRedisClusterConnection getReactiveClusterConnection() {
        return lettuce.getReactiveClusterConnection();
    }

    @Override
    public DataAccessException translateExceptionIfPossible(RuntimeException ex) {
        return lettuce.translateExceptionIfPossible(ex);
    }

    /** Obtains the shared connection: may connect (blocking), so only on the main thread or boundedElastic. */
    private void connect() {
        if (shared == null) {
            shared = lettuce.getReactiveConnection();
        }
    }

    private void connectInBackground() {
        if (!running || !connecting.compareAndSet(false, true)) {
            return;
        }
        // A retry loop of its own, kept and disposed on stop.
        reconnect = Mono.fromRunnable(this::connect)
                .subscribeOn(Schedulers.boundedElastic())
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(250)).maxBackoff(Duration.ofSeconds(5)))
                .doFinally(signal -> connecting.set(false))
                .subscribe(null, e -> log.warn("Redis connection retry ended: {}", e.toString()),
                        () -> log.info("Redis connected"));
    }

    @Override
    public void start() {
        running = true;
        if (lettuce.isClusterAware()) {
            return;
        }
        try {
            connect();
        } catch (RuntimeException e) {
            log.warn("Redis is not reachable at start-up ({}); continuing, readiness stays DOWN until it is", e.toString());
            connectInBackground();
        }
    }

    @Override
    public void stop() {
        running = false;
        Disposable retry = reconnect;
        if (retry != null) {
            retry.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After Lettuce's factory (phase 0) and before the web server, so no request finds it unconnected. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    /** One caller's view of the shared connection: closing it closes only what it opened itself (pub/sub). */
    private final class Lease implements ReactiveRedisConnection {

        private final ReactiveRedisConnection held;
        private ReactiveRedisConnection own;

        Lease(ReactiveRedisConnection held) {
            this.held = held;
        }

        private synchronized ReactiveRedisConnection own() {
            if (own == null) {
                own = lettuce.getReactiveConnection();
            }
            return own;
        }

        @Override
        public Mono<Void> closeLater() {
            ReactiveRedisConnection opened;
            synchronized (this) {
                opened = own;
                own = null;
            }
            return opened == null ? Mono.empty() : opened.closeLater();
        }

        @Override
        public ReactivePubSubCommands pubSubCommands() {
            return own().pubSubCommands();
        }

        @Override
        public ReactiveKeyCommands keyCommands() {
            return held.keyCommands();
        }

        @Override
        public ReactiveStringCommands stringCommands() {
            return held.stringCommands();
        }

        @Override
        public ReactiveNumberCommands numberCommands() {
            return held.numberCommands();
        }

        @Override
        public ReactiveListCommands listCommands() {
            return held.listCommands();
        }

        @Override
        public ReactiveSetCommands setCommands() {
            return held.setCommands();
        }

        @Override
        public ReactiveZSetCommands zSetCommands() {
            return held.zSetCommands();
        }

        @Override
        public ReactiveHashCommands hashCommands() {
            return held.hashCommands();
        }

        @Override
        public ReactiveGeoCommands geoCommands() {
            return held.geoCommands();
        }

        @Override
        public ReactiveHyperLogLogCommands hyperLogLogCommands() {
            return held.hyperLogLogCommands();
        }

        @Override
        public ReactiveScriptingCommands scriptingCommands() {
            return held.scriptingCommands();
        }

        @Override
        public ReactiveServerCommands serverCommands() {
            return held.serverCommands();
        }

        @Override
        public ReactiveStreamCommands streamCommands() {
            return held.streamCommands();
        }

        @Override
        public Mono<String> ping() {
            return held.ping();
        }
    }
}
