package city.onestop.booking.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Opens Lettuce's shared reactive connection on the main thread at startup, before the server takes
 * requests. Left lazy, the first Redis command connects with a blocking wait on whatever thread issues it,
 * an event-loop thread. A Redis that is down at startup is logged, not fatal: booking's Redis uses fail
 * open (rate limit) or fall back to PostgreSQL (cache). Belongs in platform: the integrator may move it there.
 */
@Configuration(proxyBeanMethods = false)
class RedisEagerConnection {

    private static final Logger log = LoggerFactory.getLogger(RedisEagerConnection.class);

    @Bean
    SmartInitializingSingleton openSharedRedisConnection(LettuceConnectionFactory factory) {
        return () -> {
            try {
                // Connects the shared native connection; closing this handle leaves the shared connection open.
                org.springframework.data.redis.connection.ReactiveRedisConnection handle = factory.getReactiveConnection();
                handle.close();
            } catch (RuntimeException e) {
                log.warn("Redis is not reachable at startup; booking's rate limit fails open and its cache reads PostgreSQL", e);
            }
        };
    }
}
