package city.onestop.transit.realtime.ingest;

import city.onestop.transit.schedule.Geo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** Pure selections over live snapshots: which vehicles are live, which alerts apply. */
public final class LiveQueries {


    private LiveQueries() {}

    /** A vehicle as the API shows it. Stop-relative fields need the static patterns and are absent until joined. */
    public record LiveVehicle(
            String feedId,
            String vehicleId,
            @Nullable String label,
            double lat,
            double lon,
            @Nullable Float bearing,
            @Nullable Float speed,
            @Nullable String tripId,
            @Nullable String routeId,
            @Nullable String tripStatus,
            @Nullable String nextStopId,
            @Nullable Double distanceAlongTripMeters,
            Instant lastUpdated) {}

    public record AlertItem(
            String feedId,
            String id,
            String cause,
            String effect,
            List<ServiceAlert.ActivePeriod> activePeriods,
            List<ServiceAlert.InformedEntity> informedEntities,
            List<ServiceAlert.LocalizedText> headerText,
            List<ServiceAlert.LocalizedText> descriptionText,
            List<ServiceAlert.LocalizedText> url) {}

    /**
     * Vehicles updated within {@code maxAge} of {@code now} that match {@code filter}, nearest update first. A
     * vehicle without its own timestamp is as old as its feed header. No ghost buses: older ones are left out.
     */
    public static List<LiveVehicle> liveVehicles(
            List<LiveSnapshot> snapshots, Instant now, Duration maxAge, Predicate<VehicleState> filter) {
        return liveVehicles(snapshots, now, maxAge, filter, (feedId, v) -> null);
    }

    /** Where a vehicle is along its trip, once joined with the static timetable. */
    public record Placement(@Nullable String nextStopId, double distanceAlongTripMeters) {}

    /** As above, each vehicle placed on its trip by {@code placement} (null: not placed, the feed's stop id shown). */
    public static List<LiveVehicle> liveVehicles(
            List<LiveSnapshot> snapshots,
            Instant now,
            Duration maxAge,
            Predicate<VehicleState> filter,
            java.util.function.BiFunction<String, VehicleState, @Nullable Placement> placement) {
        Instant oldest = now.minus(maxAge);
        List<LiveVehicle> out = new ArrayList<>();
        for (LiveSnapshot s : snapshots) {
            for (VehicleState v : s.vehicles()) {
                Instant updated = v.timestamp() != null ? v.timestamp() : s.headerTimestamp();
                if (updated.isBefore(oldest) || !filter.test(v)) continue;
                TripRef t = v.trip();
                Placement p = placement.apply(s.feedId(), v);
                out.add(new LiveVehicle(
                        s.feedId(),
                        v.vehicleId(),
                        v.label(),
                        v.lat(),
                        v.lon(),
                        v.bearing(),
                        v.speedMetersPerSecond(),
                        t == null ? null : t.tripId(),
                        t == null ? null : t.routeId(),
                        t == null ? null : t.status().name(),
                        p != null ? p.nextStopId() : v.stopId(),
                        p != null ? Double.valueOf(p.distanceAlongTripMeters()) : null,
                        updated));
            }
        }
        out.sort(Comparator.comparing(LiveVehicle::feedId).thenComparing(LiveVehicle::vehicleId));
        return out;
    }

    /** A route id as the feed gives it, or feed-scoped as the static API shows it ({@code demo:1}). */
    public static Predicate<VehicleState> onRoute(String routeId) {
        var scoped = city.onestop.transit.TransitIds.parse(routeId);
        return v -> v.trip() != null
                && (routeId.equals(v.trip().routeId())
                        || (!scoped.feedId().isEmpty() && scoped.gtfsId().equals(v.trip().routeId())));
    }

    public static Predicate<VehicleState> within(double lat, double lon, double radiusMeters) {
        return v -> Geo.distanceMeters(lat, lon, v.lat(), v.lon()) <= radiusMeters;
    }

    /** Alerts active at {@code now} that name the stop or the route (either filter may be absent). */
    public static List<AlertItem> activeAlerts(
            List<LiveSnapshot> snapshots, Instant now, @Nullable String stopId, @Nullable String routeId) {
        List<AlertItem> out = new ArrayList<>();
        for (LiveSnapshot s : snapshots) {
            for (ServiceAlert a : s.alerts()) {
                if (!a.isActiveAt(now)) continue;
                boolean matches = (stopId == null && routeId == null)
                        || a.informedEntities().stream()
                                .anyMatch(e -> (stopId != null && stopId.equals(e.stopId()))
                                        || (routeId != null && routeId.equals(e.routeId())));
                if (!matches) continue;
                out.add(new AlertItem(s.feedId(), a.id(), a.cause(), a.effect(), a.activePeriods(),
                        a.informedEntities(), a.headerText(), a.descriptionText(), a.url()));
            }
        }
        return out;
    }
}
