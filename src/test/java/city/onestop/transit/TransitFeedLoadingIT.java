package city.onestop.transit;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import city.onestop.transit.demo.DemoCity;
import city.onestop.transit.schedule.CurrentVersions;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * While a feed's first import runs (here: on "another instance", i.e. its RUNNING import row is in the shared
 * database and this instance learns of it on its refresh), its stops answer 503 {@code FEED_LOADING} with
 * {@code Retry-After}; once the import is over without a version, they are plain 404s again; once it succeeded, 200.
 */
@IntegrationTest
class TransitFeedLoadingIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired CurrentVersions versions;

    @Test
    void stopsOfAFeedWhoseFirstImportRunsAnswer503FeedLoadingWithRetryAfter() {
        String feedId = "loading-" + UUID.randomUUID().toString().substring(0, 8);
        db.sql("insert into transit_feed (feed_id) values (:f)").bind("f", feedId).then().block(Duration.ofSeconds(30));
        long importId = db.sql("insert into transit_import (feed_id, trigger, status, started_at) values (:f, 'SCHEDULE', "
                        + "'RUNNING', :now) returning import_id")
                .bind("f", feedId).bind("now", OffsetDateTime.now())
                .map(r -> r.get(0, Long.class)).one().block(Duration.ofSeconds(30));
        versions.refresh().block(Duration.ofSeconds(30));

        for (String path : new String[] {"/api/v1/transit/stops/{id}", "/api/v1/transit/stops/{id}/departures",
                "/api/v1/transit/stops/{id}/arrivals"}) {
            web.get().uri(path, feedId + ":E5").exchange()
                    .expectStatus().isEqualTo(503)
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectHeader().valueEquals("Retry-After", String.valueOf(CurrentVersions.LOADING_RETRY_AFTER_SECONDS))
                    .expectBody().jsonPath("$.code").isEqualTo("FEED_LOADING");
        }
        web.get().uri("/api/v1/transit/routes/{id}", feedId + ":1").exchange()
                .expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.code").isEqualTo("FEED_LOADING");
        // Another feed that nobody imports is still unknown.
        web.get().uri("/api/v1/transit/stops/{id}", "never-" + feedId + ":E5").exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("NOT_FOUND");

        // The import failed: nothing is loading any more, the stop does not exist.
        db.sql("update transit_import set status = 'FAILED', finished_at = now() where import_id = :id")
                .bind("id", importId).then().block(Duration.ofSeconds(30));
        versions.refresh().block(Duration.ofSeconds(30));
        web.get().uri("/api/v1/transit/stops/{id}", feedId + ":E5").exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("NOT_FOUND");

        // A real import of the same feed then serves the stop.
        TransitFixtures.upload(web, tokens, feedId, DemoCity.zip(TransitFixtures.DEMO_START, "")).expectStatus().isCreated();
        web.get().uri("/api/v1/transit/stops/{id}", feedId + ":E5").exchange().expectStatus().isOk();
    }
}
