package city.onestop.booking.web;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Opens Lettuce's shared connection at startup. Left lazy, the first Redis command connects with a blocking
 * wait on whatever thread issues it, an event-loop thread (BlockHound catches it; the rate limiter and the
 * cache then fail open for that request). Belongs in platform: the integrator may move it there.
 */
@Configuration(proxyBeanMethods = false)
class RedisEagerConnection {

    @Bean
    static BeanPostProcessor lettuceEagerInitialization() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof LettuceConnectionFactory factory) {
                    factory.setEagerInitialization(true);
                }
                return bean;
            }
        };
    }
}
