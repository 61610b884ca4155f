package city.onestop.platform.sms;

import city.onestop.platform.SmsSender;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One {@link SmsSender}: simulated when {@code onestop.sms.simulated=true}, else the HTTP client. */
@Configuration(proxyBeanMethods = false)
class SmsConfig {

    @Bean
    SmsSender smsSender(SmsSettings settings, Clock clock, MeterRegistry meters) {
        return settings.simulated() ? new SimulatedSmsSender(clock) : new HttpSmsSender(settings, clock, meters);
    }
}
