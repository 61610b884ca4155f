package city.onestop.transit.arrivals;

import city.onestop.transit.realtime.ingest.StopTimePrediction;
import city.onestop.transit.realtime.ingest.TripRef;
import city.onestop.transit.realtime.ingest.TripUpdateState;
import city.onestop.transit.realtime.ingest.VehicleState;
import city.onestop.transit.schedule.PlannedStop;
import city.onestop.transit.schedule.TripPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The arrivals arithmetic, as pure functions over simple inputs so it can be joined to the static patterns
 * (stops placed along shapes) wherever they come from. OneBusAway and OpenTripPlanner are the references:
 * an explicit StopTimeUpdate wins; otherwise the last known delay propagates downstream; NO_DATA keeps the
 * schedule; SKIPPED gets no arrival; a CANCELED trip is shown cancelled; an ADDED trip brings its own stops.
 */
public final class Arrivals {

    /** Within this distance past a stop, a vehicle is still "at" it: the stop counts as next (0 stops away). */
    static final double AT_STOP_METERS = 15;

    private Arrivals() {}

    public enum ArrivalStatus {
        SCHEDULED,
        PREDICTED,
        PASSED,
        SKIPPED,
        CANCELED
    }

    record StopPrediction(ArrivalStatus status, @Nullable Instant predictedArrival, @Nullable Integer delaySeconds) {}

    /** Per stop of the plan (same order), and the update's stop ids that the plan does not have. */
    record Predictions(List<StopPrediction> stops, List<String> unknownStopIds) {}

    /** Where a vehicle is along its trip: metres along the shape and the index of the next stop. */
    public record Progress(double distanceMeters, int nextStopIndex) {}

    /** One row of a stop's board. */
    public record Arrival(
            String tripId,
            String stopId,
            Instant scheduledArrival,
            @Nullable Instant predictedArrival,
            @Nullable Integer delaySeconds,
            ArrivalStatus status,
            @Nullable String vehicleId,
            @Nullable Integer numberOfStopsAway,
            @Nullable Double distanceFromStopMeters,
            @Nullable Instant vehicleLastUpdated) {

        Instant bestArrival() {
            return predictedArrival != null ? predictedArrival : scheduledArrival;
        }
    }

    /** Predicted times for every stop of a trip from its TripUpdate (none: the schedule). */
    static Predictions predict(TripPlan plan, @Nullable TripUpdateState update) {
        int n = plan.stops().size();
        List<StopPrediction> out = new ArrayList<>(n);
        if (update != null && update.trip().status() == TripRef.TripStatus.CANCELED) {
            for (int i = 0; i < n; i++) out.add(new StopPrediction(ArrivalStatus.CANCELED, null, null));
            return new Predictions(out, List.of());
        }
        StopTimePrediction[] byIndex = new StopTimePrediction[n];
        List<String> unknown = new ArrayList<>();
        if (update != null) {
            int cursor = 0;
            for (StopTimePrediction u : update.stopTimes()) {
                int i = u.stopSequence() != null ? plan.indexOfSequence(u.stopSequence()) : -1;
                if (i < 0 && u.stopId() != null) i = plan.indexOfStop(u.stopId(), cursor);
                // A sequence that names a different stop than the feed's stop_id: trust the stop id.
                if (i >= 0 && u.stopId() != null && !plan.stops().get(i).stopId().equals(u.stopId())) {
                    i = plan.indexOfStop(u.stopId(), cursor);
                }
                if (i < 0) {
                    unknown.add(u.stopId() != null ? u.stopId() : "#" + u.stopSequence());
                    continue;
                }
                byIndex[i] = u;
                cursor = i + 1;
            }
        }
        Integer delay = update == null ? null : update.delaySeconds();
        for (int i = 0; i < n; i++) {
            PlannedStop stop = plan.stops().get(i);
            StopTimePrediction u = byIndex[i];
            if (u != null) {
                switch (u.relationship()) {
                    case SKIPPED -> {
                        out.add(new StopPrediction(ArrivalStatus.SKIPPED, null, null));
                        continue;
                    }
                    case NO_DATA -> {
                        // No realtime here, and none to carry downstream until the next explicit update.
                        delay = null;
                        out.add(new StopPrediction(ArrivalStatus.SCHEDULED, null, null));
                        continue;
                    }
                    default -> {
                        Integer arrivalDelay = delayOf(u.arrival(), stop.scheduledArrival());
                        Integer departureDelay = delayOf(u.departure(), stop.scheduledDeparture());
                        Integer here = arrivalDelay != null ? arrivalDelay : departureDelay;
                        if (here != null) {
                            Instant predicted = u.arrival() != null && u.arrival().time() != null
                                    ? u.arrival().time()
                                    : stop.scheduledArrival().plusSeconds(here);
                            out.add(new StopPrediction(ArrivalStatus.PREDICTED, predicted, here));
                            delay = departureDelay != null ? departureDelay : here;
                            continue;
                        }
                    }
                }
            }
            if (delay != null) {
                out.add(new StopPrediction(ArrivalStatus.PREDICTED, stop.scheduledArrival().plusSeconds(delay), delay));
            } else {
                out.add(new StopPrediction(ArrivalStatus.SCHEDULED, null, null));
            }
        }
        return new Predictions(out, unknown);
    }

    private static @Nullable Integer delayOf(StopTimePrediction.@Nullable Event e, Instant scheduled) {
        if (e == null) return null;
        if (e.time() != null) return (int) Duration.between(scheduled, e.time()).toSeconds();
        return e.delaySeconds();
    }

    /**
     * Where a vehicle is along its trip. Stop fields win when the feed gives them; otherwise its position is
     * projected onto the shape, forward from its last known progress, or near where the schedule (shifted by
     * the current delay) expects it when this is the first sighting.
     */
    static Progress progress(
            TripPlan plan, VehicleState v, @Nullable Double lastProgressMeters, Instant now, int delaySeconds) {
        int statedIndex = -1;
        if (v.currentStopSequence() != null) statedIndex = plan.indexOfSequence(v.currentStopSequence());
        if (statedIndex < 0 && v.stopId() != null) statedIndex = plan.indexOfStop(v.stopId(), 0);
        if (statedIndex >= 0 && v.currentStatus() == VehicleState.StopStatus.STOPPED_AT) {
            return new Progress(plan.stops().get(statedIndex).distanceMeters(), statedIndex);
        }
        Double hint = lastProgressMeters == null ? scheduledProgress(plan, now, delaySeconds).distanceMeters() : null;
        double along = plan.shape().project(v.lat(), v.lon(), lastProgressMeters, hint).distanceMeters();
        if (statedIndex >= 0) {
            // IN_TRANSIT_TO / INCOMING_AT stop k: the vehicle is between stop k-1 and stop k, whatever the GPS says.
            double lo = statedIndex == 0 ? 0 : plan.stops().get(statedIndex - 1).distanceMeters();
            double hi = plan.stops().get(statedIndex).distanceMeters();
            return new Progress(Math.max(lo, Math.min(hi, along)), statedIndex);
        }
        return new Progress(along, nextStopIndex(plan, along));
    }

    /** Progress from the timetable alone, shifted by the delay: for a trip with a TripUpdate but no position. */
    public static Progress scheduledProgress(TripPlan plan, Instant now, int delaySeconds) {
        List<PlannedStop> stops = plan.stops();
        Instant t = now.minusSeconds(delaySeconds);
        if (!t.isAfter(stops.get(0).scheduledDeparture())) return new Progress(stops.get(0).distanceMeters(), 0);
        for (int i = 1; i < stops.size(); i++) {
            PlannedStop prev = stops.get(i - 1), next = stops.get(i);
            if (t.isBefore(next.scheduledArrival())) {
                double span = Duration.between(prev.scheduledDeparture(), next.scheduledArrival()).toMillis();
                double done = Duration.between(prev.scheduledDeparture(), t).toMillis();
                double f = span <= 0 ? 1 : Math.max(0, Math.min(1, done / span));
                return new Progress(prev.distanceMeters() + f * (next.distanceMeters() - prev.distanceMeters()), i);
            }
            if (!t.isAfter(next.scheduledDeparture())) return new Progress(next.distanceMeters(), i);
        }
        PlannedStop last = stops.get(stops.size() - 1);
        return new Progress(last.distanceMeters(), stops.size());
    }

    /** The first stop not yet passed (a vehicle within {@link #AT_STOP_METERS} past a stop is still at it). */
    static int nextStopIndex(double[] stopDistances, double distanceMeters) {
        for (int i = 0; i < stopDistances.length; i++) {
            if (stopDistances[i] >= distanceMeters - AT_STOP_METERS) return i;
        }
        return stopDistances.length;
    }

    static int nextStopIndex(TripPlan plan, double distanceMeters) {
        List<PlannedStop> stops = plan.stops();
        for (int i = 0; i < stops.size(); i++) {
            if (stops.get(i).distanceMeters() >= distanceMeters - AT_STOP_METERS) return i;
        }
        return stops.size();
    }

    /**
     * The board row of one trip instance at one of its stops, or empty when it no longer belongs on the board
     * (passed longer than {@code passedGrace} ago). A vehicle or TripUpdate older than {@code maxAge} is ignored:
     * no ghost buses, the row reverts to the schedule.
     */
    public static Optional<Arrival> arrivalAt(
            TripPlan plan,
            int myIndex,
            @Nullable TripUpdateState update,
            @Nullable Instant updateTimestamp,
            @Nullable VehicleState vehicle,
            @Nullable Double lastProgressMeters,
            Instant now,
            Duration maxAge,
            Duration passedGrace) {
        Instant oldest = now.minus(maxAge);
        if (update != null && updateTimestamp != null && updateTimestamp.isBefore(oldest)) update = null;
        if (vehicle != null && (vehicle.timestamp() == null || vehicle.timestamp().isBefore(oldest))) vehicle = null;

        PlannedStop mine = plan.stops().get(myIndex);
        StopPrediction p = predict(plan, update).stops().get(myIndex);
        if (p.status() == ArrivalStatus.CANCELED || p.status() == ArrivalStatus.SKIPPED) {
            if (now.isAfter(mine.scheduledArrival().plus(passedGrace))) return Optional.empty();
            return Optional.of(new Arrival(plan.tripId(), mine.stopId(), mine.scheduledArrival(), null, null,
                    p.status(), null, null, null, null));
        }
        Instant best = p.predictedArrival() != null ? p.predictedArrival() : mine.scheduledArrival();
        Integer stopsAway = null;
        Double metres = null;
        ArrivalStatus status = p.status();
        if (vehicle != null) {
            int delay = p.delaySeconds() != null ? p.delaySeconds() : 0;
            Progress progress = progress(plan, vehicle, lastProgressMeters, now, delay);
            stopsAway = myIndex - progress.nextStopIndex();
            metres = mine.distanceMeters() - progress.distanceMeters();
            if (stopsAway < 0) status = ArrivalStatus.PASSED;
        }
        if (now.isAfter(best.plus(passedGrace)) && (status == ArrivalStatus.PASSED || vehicle == null)) {
            return Optional.empty();
        }
        return Optional.of(new Arrival(plan.tripId(), mine.stopId(), mine.scheduledArrival(), p.predictedArrival(),
                p.delaySeconds(), status, vehicle == null ? null : vehicle.vehicleId(), stopsAway, metres,
                vehicle == null ? null : vehicle.timestamp()));
    }

    /**
     * The plan of an ADDED trip, which has no schedule: its stops and times are the ones the TripUpdate gives
     * (stops without a time are left out), placed along a shape when the caller has one.
     */
    static List<PlannedStop> addedTripStops(TripUpdateState update, java.util.function.ToDoubleFunction<String> distanceOfStop) {
        List<PlannedStop> stops = new ArrayList<>();
        int seq = 0;
        for (StopTimePrediction u : update.stopTimes()) {
            seq = u.stopSequence() != null ? u.stopSequence() : seq + 1;
            Instant arrival = u.arrival() != null ? u.arrival().time() : null;
            Instant departure = u.departure() != null ? u.departure().time() : null;
            if (u.stopId() == null || (arrival == null && departure == null)) continue;
            if (arrival == null) arrival = departure;
            if (departure == null) departure = arrival;
            stops.add(new PlannedStop(u.stopId(), seq, distanceOfStop.applyAsDouble(u.stopId()), arrival, departure));
        }
        return stops;
    }
}
