package city.onestop.app;

import city.onestop.platform.PublicPaths;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Serves the city app's static files: {@code /} (the page), {@code /sw.js} (the service worker, at the root so its
 * scope is the whole app), {@code /manifest.webmanifest} and {@code /app/**} (modules, styles, icons). They are
 * public, as any web page is; every call they make to {@code /api/**} is authorised as usual.
 *
 * <p>{@code onestop.app.enabled=false} removes the routes and the public paths (then {@code /} answers 401 as any
 * unknown non-API path); the {@code prod} profile turns it off unless {@code ONESTOP_APP_ENABLED=true}.
 * {@code onestop.app.location} (default: the copy inside the jar) lets a city serve its own edited copy.
 * {@code onestop.app.map-tiles.url} (a {@code {z}/{x}/{y}} template, unset by default) adds a tile layer under the
 * map, which is otherwise drawn from the feed's own shapes and stops; its origin is then allowed for images.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "onestop.app.enabled", havingValue = "true", matchIfMissing = true)
class AppConfig {

    /**
     * The page may load only its own scripts, styles, images and API: no inline script, no other origin. The
     * service worker and the web manifest come from the same origin.
     */
    static final String CONTENT_SECURITY_POLICY = contentSecurityPolicy("");

    /** The policy, with the tile server's origin allowed for images when map tiles are configured. */
    static String contentSecurityPolicy(String tileOrigin) {
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:"
                + (tileOrigin.isEmpty() ? "" : " " + tileOrigin)
                + "; connect-src 'self'; font-src 'self'; manifest-src 'self'; "
                + "worker-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    }

    /**
     * The origin (scheme://host[:port]) of a tile URL template such as {@code https://tiles.example.org/{z}/{x}/{y}.png},
     * or "" for none or a same-origin path. A template that is not an absolute http(s) URL is refused at start.
     */
    static String tileOrigin(String template) {
        if (template.isBlank() || template.startsWith("/")) {
            return "";
        }
        java.net.URI uri = java.net.URI.create(template.replace("{z}", "0").replace("{x}", "0").replace("{y}", "0"));
        if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("onestop.app.map-tiles.url must be an http(s) URL template or a path: " + template);
        }
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    private static final String[] PATHS = {"/", "/index.html", "/sw.js", "/manifest.webmanifest", "/app/**"};

    @Bean
    PublicPaths appPublicPaths() {
        return PublicPaths.get(PATHS);
    }

    @Bean
    PublicPaths appPublicHeadPaths() {
        return new PublicPaths(HttpMethod.HEAD, List.of(PATHS));
    }

    @Bean
    RouterFunction<ServerResponse> appRoutes(@Value("${onestop.app.location:classpath:/static/}") Resource location,
            @Value("${onestop.app.map-tiles.url:}") String tilesUrl,
            @Value("${onestop.app.map-tiles.attribution:}") String tilesAttribution)
            throws java.io.IOException {
        Resource index = location.createRelative("index.html");
        Resource worker = location.createRelative("sw.js");
        Resource manifest = location.createRelative("manifest.webmanifest");
        // No fingerprinted names, so the browser revalidates every time; the service worker keeps the offline copy.
        CacheControl revalidate = CacheControl.noCache();
        String policy = contentSecurityPolicy(tileOrigin(tilesUrl));
        // What the page needs to know of the deployment: only the optional tile layer so far.
        java.util.Map<String, Object> config = tilesUrl.isBlank()
                ? java.util.Map.of()
                : java.util.Map.of("mapTiles", java.util.Map.of("url", tilesUrl, "attribution", tilesAttribution));
        return RouterFunctions.route()
                .GET("/", request -> page(index, revalidate, policy))
                .GET("/index.html", request -> page(index, revalidate, policy))
                .GET("/app/config.json", request -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .cacheControl(revalidate)
                        .bodyValue(config))
                .GET("/sw.js", request -> ServerResponse.ok()
                        .contentType(new MediaType("text", "javascript"))
                        .cacheControl(revalidate)
                        .header("Content-Security-Policy", policy)
                        .header("Service-Worker-Allowed", "/")
                        .bodyValue(worker))
                .GET("/manifest.webmanifest", request -> ServerResponse.ok()
                        .contentType(new MediaType("application", "manifest+json"))
                        .cacheControl(revalidate)
                        .bodyValue(manifest))
                .add(RouterFunctions.resources("/app/**", location.createRelative("app/"), AppConfig::assetHeaders))
                .build();
    }

    private static reactor.core.publisher.Mono<ServerResponse> page(Resource index, CacheControl cache, String policy) {
        return ServerResponse.ok()
                .contentType(new MediaType("text", "html", java.nio.charset.StandardCharsets.UTF_8))
                .cacheControl(cache)
                .header("Content-Security-Policy", policy)
                .bodyValue(index);
    }

    private static void assetHeaders(Resource resource, HttpHeaders headers) {
        headers.setCacheControl(CacheControl.noCache());
        String name = resource.getFilename();
        if (name != null && name.endsWith(".js")) {
            // ES modules must be served with a JavaScript type or the browser refuses to run them.
            headers.setContentType(new MediaType("text", "javascript", java.nio.charset.StandardCharsets.UTF_8));
        } else if (name != null && name.endsWith(".css")) {
            headers.setContentType(new MediaType("text", "css", java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
