package city.onestop.app;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The city app's files are served without a token, with the types browsers insist on (ES modules need a JavaScript
 * type, the worker too), a strict Content-Security-Policy on the page, and the usual security headers; what is not
 * one of its files stays behind authentication.
 */
@IntegrationTest
class AppIT {

    @Autowired
    WebTestClient web;

    @Test
    void servesThePageAtTheRootWithAStrictContentSecurityPolicy() {
        String body = web.get().uri("/").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("text/html")
                .expectHeader().valueEquals("Content-Security-Policy", AppConfig.CONTENT_SECURITY_POLICY)
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().valueEquals("Cache-Control", "no-cache")
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).contains("<script type=\"module\" src=\"/app/main.js\"></script>")
                .contains("rel=\"manifest\"")
                .doesNotContain("<script>");
    }

    @Test
    void servesModulesStylesIconsManifestAndWorkerWithTheirTypes() {
        web.get().uri("/app/main.js").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("text/javascript");
        web.get().uri("/app/screens/buses.js").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("text/javascript");
        web.get().uri("/app/styles.css").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("text/css");
        web.get().uri("/app/icons/icon-192.png").exchange().expectStatus().isOk()
                .expectHeader().contentType("image/png");
        web.get().uri("/manifest.webmanifest").exchange().expectStatus().isOk()
                .expectHeader().contentType("application/manifest+json")
                .expectBody().jsonPath("$.start_url").isEqualTo("/#/")
                .jsonPath("$.icons[?(@.sizes == '512x512')]").exists();
        web.get().uri("/sw.js").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("text/javascript")
                .expectHeader().valueEquals("Service-Worker-Allowed", "/");
        web.head().uri("/app/main.js").exchange().expectStatus().isOk();
    }

    @Test
    void aMissingAppFileIsNotFoundAndOtherPathsStayProtected() {
        web.get().uri("/app/no-such-file.js").exchange().expectStatus().isNotFound();
        web.get().uri("/app/../application.yml").exchange().expectStatus().value(s -> assertThat(s).isIn(400, 401, 404));
        web.get().uri("/anything-else").exchange().expectStatus().isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    @Test
    void theAppIsNotPartOfTheApiDocument() {
        web.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.paths['/']").doesNotExist()
                .jsonPath("$.paths['/app/**']").doesNotExist()
                .jsonPath("$.paths['/sw.js']").doesNotExist();
    }
}
