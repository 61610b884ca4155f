package city.onestop.citizen;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import city.onestop.transit.demo.DemoCity;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

@IntegrationTest
class FavoriteStopsIT {

    private static final String FEED = "favcity";
    private static List<String> stops;

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @LocalServerPort int port;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void demoCity() {
        synchronized (FavoriteStopsIT.class) {
            if (stops != null) return;
            String admin = tokens.issue(UUID.randomUUID(), Set.of(Role.ADMIN)).value();
            web.post().uri("/api/v1/admin/transit/feeds/{f}/imports", FEED).headers(h -> h.setBearerAuth(admin))
                    .contentType(MediaType.parseMediaType("application/zip"))
                    .bodyValue(DemoCity.zip(LocalDate.of(2025, 9, 1), "")).exchange().expectStatus().isCreated();
            Map<String, Object> near = web.get().uri("/api/v1/transit/stops?lat=23.13&lon=113.26&radius=3000&limit=30&feedId=" + FEED)
                    .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
            stops = ((List<Map<String, Object>>) near.get("items")).stream().map(s -> (String) s.get("id")).toList();
            assertThat(stops).hasSizeGreaterThanOrEqualTo(25);
        }
    }

    private String citizen(UUID id) {
        return tokens.issue(id, Set.of(Role.CITIZEN)).value();
    }

    private WebTestClient.ResponseSpec put(String token, String stopId) {
        return web.put().uri("/api/v1/me/favorites/stops/{s}", stopId).headers(h -> h.setBearerAuth(token)).exchange();
    }

    @SuppressWarnings("unchecked")
    private List<String> list(String token) {
        Map<String, Object> body = web.get().uri("/api/v1/me/favorites/stops").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        return ((List<Map<String, Object>>) body.get("items")).stream().map(f -> (String) f.get("stopId")).toList();
    }

    @Test
    void addsListsAndRemovesAFavouriteStop() {
        String token = citizen(UUID.randomUUID());
        put(token, stops.get(0)).expectStatus().isCreated().expectBody().jsonPath("$.stopId").isEqualTo(stops.get(0));
        put(token, stops.get(1)).expectStatus().isCreated();
        put(token, stops.get(0)).expectStatus().isOk();
        assertThat(list(token)).containsExactly(stops.get(0), stops.get(1));
        web.delete().uri("/api/v1/me/favorites/stops/{s}", stops.get(0)).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isNoContent();
        assertThat(list(token)).containsExactly(stops.get(1));
        web.delete().uri("/api/v1/me/favorites/stops/{s}", stops.get(0)).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void rejectsAStopTransitDoesNotKnow() {
        String token = citizen(UUID.randomUUID());
        put(token, FEED + ":NO_SUCH_STOP").expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("NOT_FOUND");
        put(token, "nofeed:S1").expectStatus().isNotFound();
        assertThat(list(token)).isEmpty();
    }

    @Test
    void refusesTheTwentyFirstFavourite() {
        String token = citizen(UUID.randomUUID());
        for (int i = 0; i < 20; i++) put(token, stops.get(i)).expectStatus().isCreated();
        put(token, stops.get(20)).expectStatus().isEqualTo(HttpStatus.CONFLICT).expectBody().jsonPath("$.code").isEqualTo("FAVORITES_LIMIT");
        put(token, stops.get(3)).expectStatus().isOk();
        assertThat(list(token)).hasSize(20);
    }

    @Test
    void keepsAtMostTwentyUnderConcurrentAdds() {
        UUID id = UUID.randomUUID();
        String token = citizen(id);
        WebClient client = WebClient.create("http://localhost:" + port);
        List<Integer> statuses = Flux.fromIterable(stops.subList(0, 25))
                .flatMap(s -> client.put().uri("/api/v1/me/favorites/stops/{s}", s).headers(h -> h.setBearerAuth(token))
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())), 25)
                .collectList().block(Duration.ofSeconds(60));
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(20);
        assertThat(statuses).filteredOn(s -> s == 409).hasSize(5);
        Long rows = db.sql("SELECT count(*) FROM citizen_favorite_stops WHERE citizen_id = :c").bind("c", id)
                .map(r -> r.get(0, Long.class)).one().block(Duration.ofSeconds(10));
        assertThat(rows).isEqualTo(20);
    }

    @Test
    void needsAToken() {
        web.get().uri("/api/v1/me/favorites/stops").exchange().expectStatus().isUnauthorized();
    }
}
