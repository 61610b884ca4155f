package city.onestop.platform.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Opens Lettuce's shared connection at start-up, on the main thread. Spring Data Redis otherwise opens it on
 * first use and waits for the connect to finish, which, for the first request, would block an event-loop thread
 * (BlockHound catches exactly that). Starts after the connection factory (phase 0) and before the web server.
 * If Redis is down at start the application still starts: readiness reports it, and Lettuce connects later.
 */
@Component
class RedisConnectionWarmUp implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RedisConnectionWarmUp.class);

    private final ReactiveRedisConnectionFactory factory;
    private volatile boolean running;

    RedisConnectionWarmUp(ReactiveRedisConnectionFactory factory) {
        this.factory = factory;
    }

    @Override
    public void start() {
        try {
            factory.getReactiveConnection().close();
        } catch (RuntimeException e) {
            log.warn("Redis is not reachable at start-up ({}); continuing, readiness stays DOWN until it is", e.toString());
        }
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
