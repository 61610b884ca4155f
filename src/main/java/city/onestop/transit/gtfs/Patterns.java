package city.onestop.transit.gtfs;

import city.onestop.transit.gtfs.GtfsFeed.Shape;
import city.onestop.transit.gtfs.GtfsFeed.Stop;
import city.onestop.transit.gtfs.GtfsFeed.Trip;
import city.onestop.transit.schedule.Polyline;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Groups trips into patterns (same route, direction, shape and stop sequence) and places each pattern's stops
 * along its shape. {@code shape_dist_traveled} is used only after its unit is detected (by comparing shapes' last
 * value with their measured length) and only as a candidate the monotonic placement may choose.
 */
public final class Patterns {

    public static final double OUTLIER_METERS = 100;

    public record Pattern(int id, String routeId, @Nullable Integer directionId, @Nullable String shapeId,
            @Nullable String headsign, int[] stops, double[] distancesMeters, String distanceSource) {}

    /**
     * @param tripPattern pattern id per trip index, -1 for a trip without stop times
     * @param tripStart first departure per trip index (seconds since noon minus 12 h)
     * @param rowStopIndex per stop-time row, the stop's position in its pattern
     * @param rowDistance per stop-time row, metres along the pattern
     */
    public record Compiled(List<Pattern> patterns, int[] tripPattern, int[] tripStart, int[] rowStopIndex,
            double[] rowDistance, Map<String, Polyline> lines) {}

    private record Key(String route, @Nullable Integer direction, @Nullable String shape, List<Integer> stops) {}

    private Patterns() {}

    public static Compiled compile(GtfsFeed feed, ImportReport report) {
        Map<String, Polyline> lines = new HashMap<>();
        feed.shapes().forEach((id, s) -> lines.put(id, new Polyline(s.lats(), s.lons())));
        double unit = detectUnit(feed.shapes(), lines, report);

        StopTimes st = feed.stopTimes();
        int[] tripPattern = new int[feed.trips().size()];
        int[] tripStart = new int[feed.trips().size()];
        Arrays.fill(tripPattern, -1);
        int[] rowStopIndex = new int[st.size()];
        double[] rowDistance = new double[st.size()];
        Map<Key, Pattern> byKey = new HashMap<>();
        List<Pattern> patterns = new ArrayList<>();
        int i = 0;
        while (i < st.size()) {
            int end = i;
            while (end < st.size() && st.trip(end) == st.trip(i)) end++;
            int tripIndex = st.trip(i);
            Trip trip = feed.trips().get(tripIndex);
            List<Integer> stops = new ArrayList<>(end - i);
            for (int k = i; k < end; k++) stops.add(st.stop(k));
            Key key = new Key(trip.routeId(), trip.directionId(), trip.shapeId(), stops);
            Pattern p = byKey.get(key);
            if (p == null) {
                p = place(patterns.size(), trip, stops, st, i, end, feed, lines, unit, report);
                byKey.put(key, p);
                patterns.add(p);
            }
            tripPattern[tripIndex] = p.id();
            tripStart[tripIndex] = st.departure(i);
            for (int k = i; k < end; k++) {
                rowStopIndex[k] = k - i;
                rowDistance[k] = p.distancesMeters()[k - i];
            }
            i = end;
        }
        report.count("patterns", patterns.size());
        return new Compiled(patterns, tripPattern, tripStart, rowStopIndex, rowDistance, lines);
    }

    private static Pattern place(int id, Trip trip, List<Integer> stopIdx, StopTimes st, int from, int to, GtfsFeed feed,
            Map<String, Polyline> lines, double unit, ImportReport report) {
        int n = stopIdx.size();
        double[] lats = new double[n], lons = new double[n];
        for (int k = 0; k < n; k++) {
            Stop s = feed.stops().get(stopIdx.get(k));
            lats[k] = s.lat();
            lons[k] = s.lon();
        }
        int[] stops = stopIdx.stream().mapToInt(Integer::intValue).toArray();
        Polyline line = trip.shapeId() == null ? null : lines.get(trip.shapeId());
        if (line == null || Arrays.stream(lats).anyMatch(Double::isNaN)) {
            return new Pattern(id, trip.routeId(), trip.directionId(), trip.shapeId(), trip.headsign(), stops,
                    ShapeDistances.straight(lats, lons), "STRAIGHT_LINE");
        }
        double[] hints = hints(feed.shapes().get(trip.shapeId()), line, st, from, to, unit);
        ShapeDistances.Placement placement = ShapeDistances.place(line, lats, lons, hints);
        report.projected(n);
        for (int k = 0; k < n; k++) {
            if (placement.offsetMeters()[k] > OUTLIER_METERS) {
                report.outlier(new ImportReport.Outlier(trip.routeId(), id, feed.stops().get(stops[k]).id(),
                        Math.round(placement.offsetMeters()[k] * 10) / 10.0));
            }
        }
        return new Pattern(id, trip.routeId(), trip.directionId(), trip.shapeId(), trip.headsign(), stops,
                placement.alongMeters(), "SHAPE");
    }

    /** Stops' shape_dist_traveled turned into metres along the measured line, or NaN where unusable. */
    private static double[] hints(Shape shape, Polyline line, StopTimes st, int from, int to, double unit) {
        double[] out = new double[to - from];
        Arrays.fill(out, Double.NaN);
        if (Double.isNaN(unit)) return out;
        double prev = Double.NEGATIVE_INFINITY;
        boolean shapeHasDist = Arrays.stream(shape.distTraveled()).noneMatch(Double::isNaN);
        for (int k = from; k < to; k++) {
            double d = st.distTraveled(k);
            if (Double.isNaN(d)) continue;
            if (d < prev) return filledNaN(out); // not monotonic: not consistent, ignore it for this trip
            prev = d;
            out[k - from] = shapeHasDist ? interpolate(shape.distTraveled(), line.cumulative(), d) : d / unit;
        }
        return out;
    }

    private static double[] filledNaN(double[] a) {
        Arrays.fill(a, Double.NaN);
        return a;
    }

    /** Maps a value on the feed's own distance scale to measured metres through the shape's points. */
    private static double interpolate(double[] feedDist, double[] meters, double d) {
        if (d <= feedDist[0]) return meters[0];
        for (int i = 1; i < feedDist.length; i++) {
            if (d <= feedDist[i]) {
                double span = feedDist[i] - feedDist[i - 1];
                double t = span <= 0 ? 0 : (d - feedDist[i - 1]) / span;
                return meters[i - 1] + t * (meters[i] - meters[i - 1]);
            }
        }
        return meters[meters.length - 1];
    }

    /**
     * The unit of shape_dist_traveled as feed units per metre (1 = metres, 0.001 = kilometres, ...), from the median
     * ratio of each shape's last value to its measured length; NaN when absent or not recognisable.
     */
    static double detectUnit(Map<String, Shape> shapes, Map<String, Polyline> lines, ImportReport report) {
        List<Double> ratios = new ArrayList<>();
        shapes.forEach((id, s) -> {
            double last = s.distTraveled()[s.distTraveled().length - 1];
            double len = lines.get(id).lengthMeters();
            if (!Double.isNaN(last) && last > 0 && len > 100) ratios.add(last / len);
        });
        if (ratios.isEmpty()) {
            report.shapeDistanceUnit("ABSENT");
            return Double.NaN;
        }
        ratios.sort(Double::compare);
        double median = ratios.get(ratios.size() / 2);
        String[] names = {"METERS", "KILOMETERS", "MILES", "FEET"};
        double[] factors = {1, 0.001, 1 / 1609.344, 3.28084};
        int best = -1;
        double bestErr = Double.POSITIVE_INFINITY;
        for (int i = 0; i < factors.length; i++) {
            double err = Math.abs(Math.log(median / factors[i]));
            if (err < bestErr) {
                bestErr = err;
                best = i;
            }
        }
        if (bestErr > Math.log(1.3)) {
            report.shapeDistanceUnit("UNKNOWN");
            report.warn("shapes.txt", 0, "shape_dist_traveled is in no recognisable unit (" + median + " per metre); ignored");
            return Double.NaN;
        }
        report.shapeDistanceUnit(Objects.requireNonNull(names[best]));
        return factors[best];
    }
}
