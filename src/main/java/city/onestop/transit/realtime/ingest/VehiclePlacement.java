package city.onestop.transit.realtime.ingest;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Where the leader placed one vehicle along a trip or pattern at one poll (see {@code arrivals.LineVehicles}); it travels
 * inside the VehiclePositions snapshot. {@code tripId} is the trip the vehicle named (scheduled
 * or frequency-based), null for a vehicle that named only its route; {@code patternTripId} is the trip whose stops
 * and shape it was placed on; {@code serviceDate} the scheduled trip's service day.
 */
public record VehiclePlacement(
        String vehicleId,
        String routeId,
        String patternTripId,
        @Nullable String tripId,
        @Nullable String serviceDate,
        double alongMeters,
        Instant observedAt,
        @Nullable Double speedMetersPerSecond) {

    public boolean lineLevel() {
        return tripId == null;
    }
}
