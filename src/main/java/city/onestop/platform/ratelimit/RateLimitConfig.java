package city.onestop.platform.ratelimit;

import city.onestop.platform.RateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

@Configuration(proxyBeanMethods = false)
class RateLimitConfig {

    /**
     * {@code onestop.rate-limit.enabled=false} switches every limit off (load tests). The timeout bounds one
     * check even if the Redis client's own command timeout is set high; past it the check fails open.
     */
    @Bean
    RateLimiter rateLimiter(
            ReactiveStringRedisTemplate redis,
            MeterRegistry meters,
            @Value("${onestop.rate-limit.enabled:true}") boolean enabled,
            @Value("${onestop.rate-limit.timeout:750ms}") Duration timeout) {
        return new RedisRateLimiter(redis, enabled, timeout, meters);
    }
}
