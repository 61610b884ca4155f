package city.onestop.transit;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The public transit API on the generated demo city. */
@IntegrationTest
@ImportedFeed(id = "demo")
class TransitApiIT {

    @Autowired
    WebTestClient web;

    @Autowired
    AccessTokens tokens;

    @Test
    void findsNearbyStopsOrderedByDistanceWithTheirRoutes() {
        var body = web.get().uri("/api/v1/transit/stops?lat=23.13&lon=113.26&radius=800&feedId=demo").exchange()
                .expectStatus().isOk()
                .expectHeader().exists("ETag")
                .expectHeader().valueMatches("Cache-Control", ".*max-age.*")
                .expectBody(Map.class).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        var items = (List<Map<String, Object>>) body.get("items");
        assertThat(items).isNotEmpty();
        double prev = -1;
        for (var s : items) {
            assertThat(s).containsKeys("id", "name", "lat", "lon", "distanceMeters", "routes");
            double d = ((Number) s.get("distanceMeters")).doubleValue();
            assertThat(d).isBetween(prev, 800.0);
            prev = d;
            assertThat((String) s.get("id")).startsWith("demo:");
        }
        assertThat(items).anySatisfy(s -> assertThat((List<?>) s.get("routes")).isNotEmpty());
    }

    @Test
    void answersNotModifiedToAMatchingEtag() {
        String etag = web.get().uri("/api/v1/transit/stops/demo:E5").exchange().expectStatus().isOk()
                .returnResult(String.class).getResponseHeaders().getETag();
        web.get().uri("/api/v1/transit/stops/demo:E5").header("If-None-Match", etag).exchange()
                .expectStatus().isNotModified();
    }

    @Test
    void rejectsBadCoordinatesAndRadius() {
        web.get().uri("/api/v1/transit/stops?lat=123&lon=113.26").exchange().expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("INVALID_COORDINATES");
        web.get().uri("/api/v1/transit/stops?lat=23.1&lon=113.26&radius=5000").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("INVALID_RADIUS");
        web.get().uri("/api/v1/transit/stops?lat=23.1").exchange().expectStatus().isBadRequest();
    }

    @Test
    void unknownIdsAreProblem404() {
        web.get().uri("/api/v1/transit/stops/demo:nope").exchange().expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        web.get().uri("/api/v1/transit/stops/nofeed:E5").exchange().expectStatus().isNotFound();
        web.get().uri("/api/v1/transit/routes/demo:99").exchange().expectStatus().isNotFound();
        web.get().uri("/api/v1/transit/stops/demo:nope/departures").exchange().expectStatus().isNotFound();
    }

    @Test
    void listsRoutesFilteredByFeedAndType() {
        web.get().uri("/api/v1/transit/routes?feedId=demo&type=3").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(4)
                .jsonPath("$.items[0].id").isEqualTo("demo:1");
        web.get().uri("/api/v1/transit/routes?feedId=demo&type=4").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(0);
    }

    @Test
    void routeHasOrderedStopsPerPatternAndAnEncodedShape() {
        web.get().uri("/api/v1/transit/routes/demo:3").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.shortName").isEqualTo("3")
                .jsonPath("$.patterns.length()").isEqualTo(1)
                .jsonPath("$.patterns[0].stops.length()").isEqualTo(13)
                .jsonPath("$.patterns[0].stops[0].id").isEqualTo("demo:L1")
                .jsonPath("$.patterns[0].stops[12].id").isEqualTo("demo:L1")
                .jsonPath("$.patterns[0].stops[0].distanceAlongShapeMeters").isEqualTo(0.0)
                .jsonPath("$.patterns[0].shape.polyline").isNotEmpty();
    }

    @Test
    void departuresAreOrderedWithTheAgencyOffset() {
        // Thursday 2025-11-06 08:00 in Guangzhou; line 1 leaves every 10 minutes in each direction on weekdays.
        web.get().uri("/api/v1/transit/stops/demo:E5/departures?from={from}&duration=30", "2025-11-06T08:00:00+08:00")
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(6)
                .jsonPath("$.items[0].scheduledDeparture").value(v -> assertThat((String) v).endsWith("+08:00"))
                .jsonPath("$.items[0].serviceDate").isEqualTo("2025-11-06")
                .jsonPath("$.items[0].routeShortName").isEqualTo("1");
    }

    @Test
    void frequencyBasedNightLineRunsAfterMidnightOnThePreviousServiceDay() {
        // N8 leaves Q1 every 30 min from 23:00 to 29:00; the other direction ends at Q1 17.5 min after leaving Q8.
        // Friday 01:00-02:00 belongs to Thursday's service day.
        web.get().uri("/api/v1/transit/stops/demo:Q1/departures?from={from}&duration=60", "2025-11-07T01:00:00+08:00")
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(4)
                .jsonPath("$.items[0].scheduledDeparture").isEqualTo("2025-11-07T01:00:00+08:00")
                .jsonPath("$.items[1].scheduledDeparture").isEqualTo("2025-11-07T01:17:30+08:00")
                .jsonPath("$.items[0].serviceDate").isEqualTo("2025-11-06")
                .jsonPath("$.items[0].frequencyBased").isEqualTo(true);
    }

    @Test
    void rejectsBadDepartureParameters() {
        web.get().uri("/api/v1/transit/stops/demo:E5/departures?from=yesterday").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("INVALID_TIME");
        web.get().uri("/api/v1/transit/stops/demo:E5/departures?duration=2000").exchange().expectStatus().isBadRequest();
    }

    @Test
    void openApiDescribesTheResponseBodies() {
        web.get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.paths['/api/v1/transit/stops'].get.responses['200'].content['application/json'].schema['$ref']")
                .value(r -> assertThat((String) r).endsWith("NearbyStops"))
                .jsonPath("$.paths['/api/v1/transit/stops/{stopId}/departures'].get.operationId").isEqualTo("listDepartures")
                .jsonPath("$.components.schemas.Departure.properties.scheduledDeparture").exists();
    }

    @Test
    void importNeedsAdmin() {
        web.post().uri("/api/v1/admin/transit/feeds/demo/imports").exchange().expectStatus().isUnauthorized();
    }
}
