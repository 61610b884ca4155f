package city.onestop.transit;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import city.onestop.transit.demo.DemoCity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Feeds imported once per test JVM and shared by the transit ITs (the Halifax import is the heavy one); ITs name
 * theirs with {@link ImportedFeed}.
 */
public final class TransitFixtures {

    /** The demo city dated so that 2025-11-06 (a Thursday) is inside its year. */
    static final LocalDate DEMO_START = LocalDate.of(2025, 9, 1);

    private static final Map<String, Boolean> imported = new ConcurrentHashMap<>();

    private TransitFixtures() {}

    static String adminToken(AccessTokens tokens) {
        return tokens.issue(UUID.randomUUID(), Set.of(Role.ADMIN)).value();
    }

    static WebTestClient.ResponseSpec upload(WebTestClient web, AccessTokens tokens, String feedId, byte[] zip) {
        return web.post().uri("/api/v1/admin/transit/feeds/{f}/imports", feedId)
                .headers(h -> h.setBearerAuth(adminToken(tokens)))
                .contentType(MediaType.parseMediaType("application/zip"))
                .bodyValue(zip)
                .exchange();
    }

    public static synchronized void demo(WebTestClient web, AccessTokens tokens, String feedId) {
        imported.computeIfAbsent(feedId, k -> {
            upload(web, tokens, feedId, DemoCity.zip(DEMO_START, "")).expectStatus().isCreated();
            return true;
        });
    }

    static Path halifaxZip() {
        Path zip = Path.of("").toAbsolutePath().resolve("../shared/data/transit/halifax-transit/google_transit.zip").normalize();
        // The shared data sits beside the checkout; a test that needs it and cannot find it fails, never skips.
        assertThat(zip).as("Halifax feed (../shared/data/transit/halifax-transit/)").exists();
        return zip;
    }

    static synchronized void halifax(WebTestClient web, AccessTokens tokens, String feedId) throws Exception {
        if (imported.containsKey(feedId)) return;
        byte[] zip = Files.readAllBytes(halifaxZip());
        upload(web, tokens, feedId, zip).expectStatus().isCreated();
        imported.put(feedId, true);
    }
}
