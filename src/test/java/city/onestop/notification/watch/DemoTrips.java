package city.onestop.notification.watch;

import city.onestop.dashboard.DashboardFixtures;
import city.onestop.platform.AccessTokens;
import city.onestop.transit.TransitIds;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Picks a trip of the demo city for the watch tests. */
final class DemoTrips {

    private DemoTrips() {}

    /**
     * A stop of the demo city and a trip calling there within the next 100 minutes (the night line covers the small
     * hours). Only a trip the live board keeps by its id will do: on a line-level route ({@code lineLevelRoutes}, the
     * demo's {@code onestop.transit.demo-line-level-routes}) or a headway-run trip, live vehicles stand in for the
     * timetable's trips up to the last of them, so such a trip can leave the board at some times of day (CI once
     * picked one at 20:17 in Guangzhou).
     */
    @SuppressWarnings("unchecked")
    static String[] upcomingTrip(WebTestClient web, AccessTokens tokens, Set<String> lineLevelRoutes) {
        DashboardFixtures.demoStop(web, tokens);
        List<Map<String, Object>> stops = (List<Map<String, Object>>) web.get()
                .uri("/api/v1/transit/stops?lat=23.13&lon=113.26&radius=3000&limit=100&feedId=" + DashboardFixtures.FEED)
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("items");
        for (var s : stops) {
            String stopId = (String) s.get("id");
            List<Map<String, Object>> deps = (List<Map<String, Object>>) web.get()
                    .uri("/api/v1/transit/stops/" + stopId + "/departures?duration=100&limit=10")
                    .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("items");
            List<Map<String, Object>> tripBased = deps.stream()
                    .filter(d -> !Boolean.TRUE.equals(d.get("frequencyBased")))
                    .filter(d -> !lineLevelRoutes.contains(TransitIds.parse((String) d.get("routeId")).gtfsId()))
                    .toList();
            if (!tripBased.isEmpty()) return new String[] {stopId, (String) tripBased.get(tripBased.size() - 1).get("tripId")};
        }
        throw new AssertionError("the demo city has no trip-based departure in the next 100 minutes at any stop");
    }
}
