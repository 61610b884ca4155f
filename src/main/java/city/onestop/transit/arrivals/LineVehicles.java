package city.onestop.transit.arrivals;

import city.onestop.transit.realtime.ingest.LiveSnapshot;
import city.onestop.transit.realtime.ingest.TripRef;
import city.onestop.transit.realtime.ingest.TripUpdateState;
import city.onestop.transit.realtime.ingest.VehiclePlacement;
import city.onestop.transit.realtime.ingest.VehicleState;
import city.onestop.transit.schedule.Polyline;
import city.onestop.transit.schedule.Timetables;
import city.onestop.transit.schedule.TripPlan;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Vehicles placed on their route's shapes at ingest, one poll after another. Three kinds:
 * <ul>
 *   <li>a vehicle on a scheduled trip: its progress along that trip, continued from the previous poll (so a loop or an
 *       out-and-back street first seen mid-route stays on the pass it was found on);
 *   <li>a vehicle that names only its line (route, position, bearing; no trip), as small agencies, campus shuttles and
 *       most Chinese city bus GPS feeds publish: which pattern and which pass of it from its bearing, its previous
 *       position and the distance to each pattern; loops wrap;
 *   <li>a vehicle on a frequency-based trip (a headway template, no scheduled instance): placed on that trip's shape
 *       the same way.
 * </ul>
 * The placements travel inside the VehiclePositions snapshot (Redis), so whichever instance polls next continues from
 * them and every instance's boards read the same ones. The last two kinds become board rows of the stops ahead
 * ({@link #callsByStop}) with stops away, metres and an arrival from the recent speed along the shape, else from the
 * scheduled running time of the pattern.
 */
final class LineVehicles {

    /** Further than this from every pattern of its route, a line-level vehicle is not placed. */
    static final double MAX_OFFSET_METERS = 100;
    /** Slower than this on average (dwelling, in traffic), speed says nothing: the timetable's running time is used. */
    static final double MIN_SPEED_METERS_PER_SECOND = 1.5;
    /** Faster than this between two polls is a GPS jump, not a bus. */
    static final double MAX_SPEED_METERS_PER_SECOND = 30;

    private LineVehicles() {}

    /** A placed vehicle's call at a stop ahead of it. */
    record LineCall(VehiclePlacement placement, Timetables.Trip pattern, int stopIndex, int stopsAway, double metersAway,
            Instant predictedArrival) {}

    /**
     * Places every vehicle of a VehiclePositions snapshot that the timetable can place, continuing from the previous
     * snapshot's placements. {@code tripUpdates} (may be null) give a scheduled trip's delay for a first sighting.
     */
    static List<VehiclePlacement> place(Timetables.Timetable t, LiveSnapshot vp, @Nullable LiveSnapshot previous,
            @Nullable LiveSnapshot tripUpdates, Instant now) {
        Map<String, VehiclePlacement> before = new HashMap<>();
        if (previous != null) previous.placements().forEach(p -> before.put(p.vehicleId(), p));
        Map<String, TripUpdateState> updates = new HashMap<>();
        if (tripUpdates != null) {
            for (TripUpdateState u : tripUpdates.tripUpdates()) {
                if (u.trip().tripId() != null) updates.putIfAbsent(u.trip().tripId(), u);
            }
        }
        List<VehiclePlacement> out = new ArrayList<>();
        for (VehicleState v : vp.vehicles()) {
            Instant observed = v.timestamp() != null ? v.timestamp() : vp.headerTimestamp();
            VehiclePlacement last = before.get(v.vehicleId());
            TripRef ref = v.trip();
            if (ref == null) continue;
            VehiclePlacement p = null;
            if (ref.tripId() != null) {
                Timetables.Trip trip = t.trips().get(ref.tripId());
                if (trip == null) continue;
                if (trip.frequencyBased()) {
                    p = onPatterns(v, trip.routeId(), List.of(trip), trip.tripId(), observed, last);
                } else {
                    p = onTrip(t, v, trip, updates.get(trip.tripId()), observed, last, now);
                }
            } else if (ref.routeId() != null) {
                p = onPatterns(v, ref.routeId(), t.routePatterns().getOrDefault(ref.routeId(), List.of()), null, observed, last);
            }
            if (p != null) out.add(p);
        }
        return out;
    }

    private static @Nullable VehiclePlacement onTrip(Timetables.Timetable t, VehicleState v, Timetables.Trip trip,
            @Nullable TripUpdateState update, Instant observed, @Nullable VehiclePlacement last, Instant now) {
        LocalDate day = t.serviceDay(trip, v.trip().startDate(), now).orElse(null);
        if (day == null) return null;
        TripPlan plan = t.plan(trip, day);
        boolean same = last != null && trip.tripId().equals(last.tripId()) && day.toString().equals(last.serviceDate());
        Double from = same ? last.alongMeters() : null;
        Arrivals.Progress progress = Arrivals.progress(plan, v, from, now, currentDelay(plan, update, now));
        return new VehiclePlacement(v.vehicleId(), trip.routeId(), trip.tripId(), trip.tripId(), day.toString(),
                progress.distanceMeters(), observed, same ? speed(last, progress.distanceMeters() - last.alongMeters(), observed) : null);
    }

    /** The delay the update gives at the call scheduled nearest to now (0 without one): where to look first. */
    private static int currentDelay(TripPlan plan, @Nullable TripUpdateState update, Instant now) {
        if (update == null) return 0;
        var predictions = Arrivals.predict(plan, update).stops();
        Integer best = null;
        long bestGap = Long.MAX_VALUE;
        for (int i = 0; i < predictions.size(); i++) {
            Integer d = predictions.get(i).delaySeconds();
            if (d == null) continue;
            long gap = Math.abs(Duration.between(now, plan.stops().get(i).scheduledArrival().plusSeconds(d)).toSeconds());
            if (gap < bestGap) {
                bestGap = gap;
                best = d;
            }
        }
        return best == null ? 0 : best;
    }

    private static @Nullable VehiclePlacement onPatterns(VehicleState v, String routeId, List<Timetables.Trip> patterns,
            @Nullable String tripId, Instant observed, @Nullable VehiclePlacement last) {
        Timetables.Trip bestTrip = null;
        double bestAlong = 0, bestScore = Double.MAX_VALUE, bestForward = Double.NaN;
        for (Timetables.Trip pattern : patterns) {
            Polyline shape = pattern.shape();
            boolean continuing = last != null && last.patternTripId().equals(pattern.tripId());
            double seconds = continuing ? Math.max(0, Duration.between(last.observedAt(), observed).toMillis() / 1000.0) : 0;
            for (Polyline.Pass pass : shape.passes(v.lat(), v.lon(), MAX_OFFSET_METERS)) {
                double score = pass.offsetMeters();
                if (v.bearing() != null) {
                    double diff = angle(v.bearing(), pass.bearingDegrees());
                    // A bus heading the other way is on the other direction's pattern (or the other pass of a loop).
                    score += diff > 100 ? 1000 : diff * 0.3;
                }
                double forward = Double.NaN;
                if (continuing) {
                    forward = forward(shape, last.alongMeters(), pass.distanceMeters());
                    boolean plausible = forward >= -Polyline.BACKTRACK_METERS
                            && forward <= MAX_SPEED_METERS_PER_SECOND * seconds + 100;
                    score += plausible ? -40 : 60;
                }
                if (score < bestScore) {
                    bestScore = score;
                    bestTrip = pattern;
                    bestAlong = pass.distanceMeters();
                    bestForward = forward;
                }
            }
        }
        if (bestTrip == null) return null;
        Double speed = Double.isNaN(bestForward) ? null : speed(last, bestForward, observed);
        return new VehiclePlacement(v.vehicleId(), routeId, bestTrip.tripId(), tripId, null, bestAlong, observed, speed);
    }

    /** Metres moved forward from {@code from} to {@code to}; on a loop, across its end (small steps back stay negative). */
    private static double forward(Polyline shape, double from, double to) {
        double d = to - from;
        if (!shape.isClosed()) return d;
        double length = shape.lengthMeters();
        d = ((d % length) + length) % length;
        return d > length - Polyline.BACKTRACK_METERS ? d - length : d;
    }

    /** Speed along the shape, smoothed over polls; the previous one when no time passed. */
    private static @Nullable Double speed(VehiclePlacement last, double forwardMeters, Instant observed) {
        double seconds = Duration.between(last.observedAt(), observed).toMillis() / 1000.0;
        if (seconds <= 0) return last.speedMetersPerSecond();
        double sample = Math.max(0, forwardMeters) / seconds;
        if (sample > MAX_SPEED_METERS_PER_SECOND) return last.speedMetersPerSecond();
        return last.speedMetersPerSecond() == null ? sample : 0.5 * sample + 0.5 * last.speedMetersPerSecond();
    }

    private static double angle(double a, double b) {
        double d = Math.abs(a - b) % 360;
        return d > 180 ? 360 - d : d;
    }

    /**
     * The calls of line-level and frequency-based placements at the stops ahead of them, by stop id: each vehicle at
     * most once per stop (its next pass). Loops wrap: after the last stop come the first ones again.
     */
    static Map<String, List<LineCall>> callsByStop(Timetables.Timetable t, List<VehiclePlacement> placements) {
        Map<String, List<LineCall>> out = new HashMap<>();
        for (VehiclePlacement p : placements) {
            Timetables.Trip trip = p.tripId() == null ? t.trips().get(p.patternTripId()) : t.trips().get(p.tripId());
            if (trip == null || (p.tripId() != null && !trip.frequencyBased())) continue;
            String[] stops = trip.stopIds();
            double[] d = trip.distances();
            int n = stops.length;
            int next = Arrivals.nextStopIndex(d, p.alongMeters());
            double start = scheduledSecondsAt(trip, p.alongMeters());
            Map<String, LineCall> mine = new HashMap<>();
            for (int i = next; i < n; i++) {
                double metres = d[i] - p.alongMeters();
                add(mine, p, trip, i, i - next, metres, p.speedMetersPerSecond(), trip.arrivals()[i] - start);
            }
            if (trip.shape().isClosed() && next > 0) {
                boolean closing = stops[0].equals(stops[n - 1]);
                double length = trip.shape().lengthMeters();
                double toEnd = length - p.alongMeters();
                double secondsToEnd = trip.arrivals()[n - 1] - start;
                for (int j = closing ? 1 : 0; j < next; j++) {
                    int away = closing ? (n - 1 - next) + j : (n - next) + j;
                    add(mine, p, trip, j, away, toEnd + d[j], p.speedMetersPerSecond(),
                            secondsToEnd + (trip.arrivals()[j] - trip.departures()[0]));
                }
            }
            mine.values().forEach(c -> out.computeIfAbsent(stops[c.stopIndex()], k -> new ArrayList<>(2)).add(c));
        }
        return out;
    }

    private static void add(Map<String, LineCall> mine, VehiclePlacement p, Timetables.Trip trip, int index, int away,
            double metres, @Nullable Double speed, double scheduledSeconds) {
        double seconds = speed != null && speed >= MIN_SPEED_METERS_PER_SECOND ? Math.max(0, metres) / speed : Math.max(0, scheduledSeconds);
        LineCall c = new LineCall(p, trip, index, away, metres, p.observedAt().plusMillis(Math.round(seconds * 1000)));
        mine.merge(trip.stopIds()[index], c, (a, b) -> a.stopsAway() <= b.stopsAway() ? a : b);
    }

    /** The pattern's scheduled time (seconds of its service day) at a point along it, between the stops around it. */
    static double scheduledSecondsAt(Timetables.Trip trip, double along) {
        double[] d = trip.distances();
        int n = d.length;
        if (along <= d[0]) return trip.departures()[0];
        for (int i = 1; i < n; i++) {
            if (along <= d[i]) {
                double span = d[i] - d[i - 1];
                double f = span <= 0 ? 1 : (along - d[i - 1]) / span;
                return trip.departures()[i - 1] + f * (trip.arrivals()[i] - trip.departures()[i - 1]);
            }
        }
        return trip.arrivals()[n - 1];
    }
}
