package city.onestop.transit.realtime.ingest;

import java.time.Instant;
import java.util.List;

/**
 * The decoded state of one feed kind as last accepted: exactly one of the three lists is filled. {@code version}
 * is the feed header timestamp in epoch seconds, so an older feed can never overwrite a newer one. A VehiclePositions
 * snapshot also carries where the leader placed each vehicle ({@link LineVehicles}), so the next poll continues from
 * there on whichever instance leads.
 */
public record LiveSnapshot(
        String feedId,
        FeedKind kind,
        long version,
        Instant headerTimestamp,
        Instant fetchedAt,
        List<VehicleState> vehicles,
        List<TripUpdateState> tripUpdates,
        List<ServiceAlert> alerts,
        List<VehiclePlacement> placements) {

    @com.fasterxml.jackson.annotation.JsonCreator
    public LiveSnapshot {
        vehicles = List.copyOf(vehicles);
        tripUpdates = List.copyOf(tripUpdates);
        alerts = List.copyOf(alerts);
        // Snapshots written before placements existed have none.
        placements = placements == null ? List.of() : List.copyOf(placements);
    }

    public LiveSnapshot(String feedId, FeedKind kind, long version, Instant headerTimestamp, Instant fetchedAt,
            List<VehicleState> vehicles, List<TripUpdateState> tripUpdates, List<ServiceAlert> alerts) {
        this(feedId, kind, version, headerTimestamp, fetchedAt, vehicles, tripUpdates, alerts, List.of());
    }

    /** The same snapshot with the vehicles placed on their trips and lines (VehiclePositions only). */
    public LiveSnapshot withPlacements(List<VehiclePlacement> placed) {
        return new LiveSnapshot(feedId, kind, version, headerTimestamp, fetchedAt, vehicles, tripUpdates, alerts, placed);
    }

    public static LiveSnapshot of(String feedId, FeedKind kind, FeedDecoding.FeedDecodeResult r, Instant fetchedAt) {
        Instant header = r.header().timestamp() != null ? r.header().timestamp() : fetchedAt;
        return new LiveSnapshot(
                feedId,
                kind,
                header.getEpochSecond(),
                header,
                fetchedAt,
                kind == FeedKind.VEHICLE_POSITIONS ? r.vehicles() : List.of(),
                kind == FeedKind.TRIP_UPDATES ? r.tripUpdates() : List.of(),
                kind == FeedKind.ALERTS ? r.alerts() : List.of());
    }
}
