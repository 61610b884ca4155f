package city.onestop.transit.schedule;

import java.time.Instant;

/** One stop of a trip instance as scheduled, placed along the trip's shape. */
public record PlannedStop(
        String stopId, int stopSequence, double distanceMeters, Instant scheduledArrival, Instant scheduledDeparture) {}
