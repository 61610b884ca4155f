package city.onestop.transit.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Response bodies of the transit API. */
final class TransitViews {

    private TransitViews() {}

    record NearbyStops(List<NearbyStop> items) {}

    record Routes(List<RouteView> items) {}

    record Departures(List<Departure> items) {}

    record RouteRef(String id, @Nullable String shortName, int type, @Nullable String color) {}

    record NearbyStop(String id, @Nullable String name, double lat, double lon, double distanceMeters,
            List<RouteRef> routes) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StopView(String id, String feedId, @Nullable String code, @Nullable String name, double lat, double lon,
            int locationType, @Nullable String parentStationId, @Nullable Integer wheelchairBoarding, List<RouteRef> routes) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RouteView(String id, String feedId, @Nullable String agencyId, @Nullable String shortName,
            @Nullable String longName, @Nullable String description, int type, @Nullable String color,
            @Nullable String textColor) {}

    record PatternStop(String id, @Nullable String name, double lat, double lon, double distanceAlongShapeMeters) {}

    record ShapeView(String id, String polyline, double lengthMeters) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PatternView(String id, @Nullable Integer directionId, @Nullable String headsign, long tripCount,
            String distanceSource, List<PatternStop> stops, @Nullable ShapeView shape) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RouteDetail(String id, String feedId, @Nullable String agencyId, @Nullable String shortName,
            @Nullable String longName, @Nullable String description, int type, @Nullable String color,
            @Nullable String textColor, List<PatternView> patterns) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Departure(String tripId, String routeId, @Nullable String routeShortName, @Nullable String headsign,
            String serviceDate, String scheduledArrival, String scheduledDeparture, int stopSequence, boolean frequencyBased) {}
}
