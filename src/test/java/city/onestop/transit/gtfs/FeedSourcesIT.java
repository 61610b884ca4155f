package city.onestop.transit.gtfs;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.transit.TransitProperties;
import city.onestop.transit.demo.DemoCity;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * An agency's static feed over real HTTP: downloaded, then re-checked with the validators it gave. The sources are
 * built here around the shared context's importer, pointing at a MockWebServer, so no extra Spring context is needed.
 */
@IntegrationTest
class FeedSourcesIT {

    @Autowired
    FeedImporter importer;

    @Autowired
    FeedStore store;

    @Autowired
    Clock clock;

    @Autowired
    Environment env;

    @Autowired
    DatabaseClient db;

    @Value("${onestop.data-dir:./data}")
    Path dataDir;

    MockWebServer agency;
    String feedId;
    FeedSources sources;

    @BeforeEach
    void agencyServer() throws Exception {
        agency = new MockWebServer();
        agency.start();
        feedId = "h-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        var feed = new TransitProperties.Feed(feedId, URI.create(agency.url("/gtfs.zip").toString()), null, null, null, null);
        var properties = new TransitProperties(List.of(feed), null, null, null, Duration.ofSeconds(20), false);
        sources = new FeedSources(importer, store, properties, clock, env, dataDir);
    }

    @AfterEach
    void stop() {
        agency.close();
    }

    @Test
    void downloadsAFeedThenRechecksItWithItsValidators() throws Exception {
        var zip = new Buffer().write(DemoCity.zip(LocalDate.of(2025, 9, 1), ""));
        agency.enqueue(new MockResponse.Builder().code(200).body(zip).addHeader("ETag", "\"v1\"")
                .addHeader("Last-Modified", "Thu, 06 Nov 2025 12:00:00 GMT").build());
        agency.enqueue(new MockResponse.Builder().code(304).build());

        var first = sources.importConfigured(feedId, "SCHEDULE", true).block(Duration.ofSeconds(60));
        assertThat(first.status()).isEqualTo("SUCCEEDED");
        long version = currentVersion();

        var second = sources.importConfigured(feedId, "SCHEDULE", true).block(Duration.ofSeconds(60));
        assertThat(second.importId()).isEqualTo(first.importId());
        agency.takeRequest(5, TimeUnit.SECONDS);
        var recheck = agency.takeRequest(5, TimeUnit.SECONDS);
        assertThat(recheck.getHeaders().get("If-None-Match")).isEqualTo("\"v1\"");
        assertThat(recheck.getHeaders().get("If-Modified-Since")).isEqualTo("Thu, 06 Nov 2025 12:00:00 GMT");
        assertThat(currentVersion()).isEqualTo(version);
    }

    @Test
    void anUpstreamErrorFailsTheCheckWithItsStatus() {
        agency.enqueue(new MockResponse.Builder().code(503).build());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sources.importConfigured(feedId, "SCHEDULE", true)
                        .block(Duration.ofSeconds(60)))
                .hasMessageContaining("503");
    }

    @Test
    void onlyOneInstanceClaimsEachPeriodicCheck() {
        Instant now = clock.instant();
        var claims = reactor.core.publisher.Flux.range(0, 8)
                .flatMap(i -> store.claimCheck(feedId, now, 3600), 8)
                .filter(Boolean::booleanValue).count().block(Duration.ofSeconds(30));
        assertThat(claims).isEqualTo(1);
    }

    private Long currentVersion() {
        return db.sql("select current_version from transit_feed where feed_id = :f").bind("f", feedId)
                .map(r -> r.get(0, Long.class)).one().block();
    }
}
