package city.onestop.transit.schedule;

import java.util.List;

/** A trip instance (trip on a service day) with its stops in order and its shape. */
public record TripPlan(String tripId, List<PlannedStop> stops, Polyline shape) {

    public TripPlan {
        stops = List.copyOf(stops);
    }

    public int indexOfSequence(int sequence) {
        for (int i = 0; i < stops.size(); i++) {
            if (stops.get(i).stopSequence() == sequence) return i;
        }
        return -1;
    }

    public int indexOfStop(String stopId, int from) {
        for (int i = Math.max(0, from); i < stops.size(); i++) {
            if (stops.get(i).stopId().equals(stopId)) return i;
        }
        return -1;
    }
}
