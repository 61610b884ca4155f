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
    void aConfiguredTileServerIsAllowedForImagesAndAnnouncedToThePage() throws Exception {
        var routes = new AppConfig().appRoutes(new org.springframework.core.io.ClassPathResource("static/"),
                "https://tiles.example.org:8443/{z}/{x}/{y}.png", "© Example");
        var web = org.springframework.test.web.reactive.server.WebTestClient.bindToRouterFunction(routes).build();
        web.get().uri("/").exchange().expectStatus().isOk()
                .expectHeader().valueEquals("Content-Security-Policy", AppConfig.contentSecurityPolicy("https://tiles.example.org:8443"));
        web.get().uri("/app/config.json").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.mapTiles.url").isEqualTo("https://tiles.example.org:8443/{z}/{x}/{y}.png")
                .jsonPath("$.mapTiles.attribution").isEqualTo("© Example");
        assertThat(AppConfig.contentSecurityPolicy("https://tiles.example.org:8443"))
                .contains("img-src 'self' data: blob: https://tiles.example.org:8443;");
    }

    @Test
    void withoutTilesThePageGetsAnEmptyConfigAndTheStrictPolicy() throws Exception {
        var routes = new AppConfig().appRoutes(new org.springframework.core.io.ClassPathResource("static/"), "", "");
        var web = org.springframework.test.web.reactive.server.WebTestClient.bindToRouterFunction(routes).build();
        web.get().uri("/app/config.json").exchange().expectStatus().isOk().expectBody().json("{}");
        web.get().uri("/sw.js").exchange().expectStatus().isOk()
                .expectHeader().valueEquals("Content-Security-Policy", AppConfig.CONTENT_SECURITY_POLICY);
        assertThat(AppConfig.CONTENT_SECURITY_POLICY).contains("img-src 'self' data: blob:;").doesNotContain("http");
    }

    @Test
    void aTileTemplateThatIsNoHttpUrlIsRefused() {
        assertThat(AppConfig.tileOrigin("/tiles/{z}/{x}/{y}.png")).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AppConfig.tileOrigin("javascript:alert(1)//{z}"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theProductionProfileSwitchesItOff() throws Exception {
        var yaml = new org.springframework.boot.env.YamlPropertySourceLoader()
                .load("prod", new org.springframework.core.io.ClassPathResource("application-prod.yml"));
        assertThat(yaml).anySatisfy(source -> assertThat(source.getProperty("onestop.app.enabled")).isEqualTo(false));
    }
}
