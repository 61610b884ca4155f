package fakes;

import java.util.Arrays;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * In the {@code test} profile, points the app's SMS client at the one fake provider of the test JVM
 * ({@code city.onestop.platform.sms.SmsFake}) unless a test configured another, so every context sends real HTTP.
 */
public class SmsFakeEnvironment implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        boolean test = Arrays.asList(env.getActiveProfiles()).contains("test");
        String configured = env.getProperty("onestop.sms.base-url");
        if (!test || (configured != null && !configured.isBlank()) || env.getProperty("onestop.sms.simulated", Boolean.class, false)) {
            return;
        }
        env.getPropertySources().addFirst(new MapPropertySource("smsFake", Map.of(
                "onestop.sms.base-url", city.onestop.platform.sms.SmsFake.get().url(),
                "onestop.sms.api-key", "test-sms-key")));
    }
}
