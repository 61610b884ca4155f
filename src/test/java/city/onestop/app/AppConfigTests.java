package city.onestop.app;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.platform.PublicPaths;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code onestop.app.enabled} switches the app's routes and public paths on (the default) and off. */
class AppConfigTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(AppConfig.class);

    @Test
    void servesTheAppByDefault() {
        runner.run(context -> {
            assertThat(context).hasBean("appRoutes");
            assertThat(context.getBeansOfType(PublicPaths.class).values())
                    .anySatisfy(p -> assertThat(p.patterns()).contains("/", "/app/**"));
        });
    }

    @Test
    void servesNothingWhenSwitchedOff() {
        runner.withPropertyValues("onestop.app.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean("appRoutes");
            assertThat(context.getBeansOfType(PublicPaths.class)).isEmpty();
        });
    }

    @Test
    void theProductionProfileSwitchesItOff() throws Exception {
        var yaml = new org.springframework.boot.env.YamlPropertySourceLoader()
                .load("prod", new org.springframework.core.io.ClassPathResource("application-prod.yml"));
        assertThat(yaml).anySatisfy(source -> assertThat(source.getProperty("onestop.app.enabled")).isEqualTo(false));
    }
}
