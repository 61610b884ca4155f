package city.onestop.platform.redis;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

@Configuration(proxyBeanMethods = false)
class RedisConfig {

    /**
     * The reactive factory every template, listener container and health check is given: one connection held for
     * the application's life, so no request waits on Spring Data Redis's connection lock (see the class).
     * Boot's {@link LettuceConnectionFactory} stays the imperative factory and the source of that connection.
     */
    @Bean
    @Primary
    ReactiveRedisConnectionFactory heldRedisConnectionFactory(LettuceConnectionFactory lettuce) {
        return new HeldRedisConnectionFactory(lettuce);
    }
}
