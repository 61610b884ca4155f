package city.onestop.transit.gtfs;

import city.onestop.transit.schedule.Geo;
import city.onestop.transit.schedule.Polyline;
import java.util.ArrayList;
import java.util.List;

/**
 * Each stop's distance along a shape, in metres, monotonic in stop order: the projection that a bus position
 * (part 2) is compared with. After OneBusAway's {@code DistanceAlongShapeLibrary}: every stop gets candidate points
 * (local minima of its distance to the shape, plus the point given by {@code shape_dist_traveled} when the feed has
 * it), and a dynamic programme picks one candidate per stop so that positions never go backwards and the summed
 * stop-to-shape distance is least. Loops and out-and-back routes, where a stop lies near the shape twice, resolve to
 * the pass that fits the order.
 */
public final class ShapeDistances {

    private static final int MAX_CANDIDATES = 8;

    /** Result: per stop, metres along the line and metres between the stop and that point. */
    public record Placement(double[] alongMeters, double[] offsetMeters) {}

    private record Candidate(double along, double offset) {}

    private ShapeDistances() {}

    /**
     * @param hintMeters per stop, a position along the line derived from shape_dist_traveled, or NaN
     */
    public static Placement place(Polyline line, double[] stopLats, double[] stopLons, double[] hintMeters) {
        int n = stopLats.length;
        if (n == 0) return new Placement(new double[0], new double[0]);
        int segs = line.lats().length - 1;
        List<List<Candidate>> cands = new ArrayList<>(n);
        double[] segOffset = new double[segs];
        double[] segAlong = new double[segs];
        // A local plane (metres east/north of the line's first point) keeps the n x segments inner loop free of
        // trigonometry; over a city's extent its error is far below GPS noise.
        double kx = Math.cos(Math.toRadians(line.lats()[0])) * Math.PI / 180 * Geo.EARTH_RADIUS_METERS;
        double m = Math.PI / 180 * Geo.EARTH_RADIUS_METERS;
        double[] xs = new double[segs + 1], ys = new double[segs + 1];
        for (int s = 0; s <= segs; s++) {
            xs[s] = (line.lons()[s] - line.lons()[0]) * kx;
            ys[s] = (line.lats()[s] - line.lats()[0]) * m;
        }
        for (int i = 0; i < n; i++) {
            double px = (stopLons[i] - line.lons()[0]) * kx, py = (stopLats[i] - line.lats()[0]) * m;
            for (int s = 0; s < segs; s++) {
                double bx = xs[s + 1] - xs[s], by = ys[s + 1] - ys[s];
                double len2 = bx * bx + by * by;
                double t = len2 == 0 ? 0 : ((px - xs[s]) * bx + (py - ys[s]) * by) / len2;
                t = t < 0 ? 0 : Math.min(1, t);
                double dx = px - (xs[s] + t * bx), dy = py - (ys[s] + t * by);
                segOffset[s] = Math.sqrt(dx * dx + dy * dy);
                segAlong[s] = line.cumulative()[s] + t * (line.cumulative()[s + 1] - line.cumulative()[s]);
            }
            List<Candidate> local = new ArrayList<>();
            for (int s = 0; s < segs; s++) {
                boolean left = s == 0 || segOffset[s] <= segOffset[s - 1];
                boolean right = s == segs - 1 || segOffset[s] < segOffset[s + 1];
                if (left && right) local.add(new Candidate(segAlong[s], segOffset[s]));
            }
            if (!Double.isNaN(hintMeters[i])) {
                double[] p = line.pointAt(hintMeters[i]);
                local.add(new Candidate(Math.max(0, Math.min(line.lengthMeters(), hintMeters[i])),
                        Geo.distanceMeters(stopLats[i], stopLons[i], p[0], p[1])));
            }
            local.sort((a, b) -> Double.compare(a.offset(), b.offset()));
            if (local.size() > MAX_CANDIDATES) local = new ArrayList<>(local.subList(0, MAX_CANDIDATES));
            cands.add(local);
        }
        // Dynamic programme over candidates; a fallback candidate "closest point at or after the earliest feasible
        // position of the previous stop" guarantees a monotonic chain exists.
        double[][] cost = new double[n][];
        int[][] back = new int[n][];
        double minFeasible = 0;
        for (int i = 0; i < n; i++) {
            List<Candidate> c = cands.get(i);
            if (i > 0) {
                c.add(closestFrom(line, xs, ys, (stopLons[i] - line.lons()[0]) * kx, (stopLats[i] - line.lats()[0]) * m,
                        minFeasible));
            }
            cost[i] = new double[c.size()];
            back[i] = new int[c.size()];
            double nextMin = Double.POSITIVE_INFINITY;
            for (int k = 0; k < c.size(); k++) {
                Candidate ck = c.get(k);
                if (i == 0) {
                    cost[i][k] = ck.offset();
                    back[i][k] = -1;
                } else {
                    double best = Double.POSITIVE_INFINITY;
                    int arg = -1;
                    List<Candidate> prev = cands.get(i - 1);
                    for (int p = 0; p < prev.size(); p++) {
                        if (prev.get(p).along() <= ck.along() + 1e-6 && cost[i - 1][p] < best) {
                            best = cost[i - 1][p];
                            arg = p;
                        }
                    }
                    cost[i][k] = best + ck.offset();
                    back[i][k] = arg;
                }
                if (cost[i][k] < Double.POSITIVE_INFINITY) nextMin = Math.min(nextMin, ck.along());
            }
            minFeasible = nextMin;
        }
        double[] along = new double[n], offset = new double[n];
        int k = argmin(cost[n - 1]);
        for (int i = n - 1; i >= 0; i--) {
            Candidate c = cands.get(i).get(k);
            along[i] = c.along();
            offset[i] = c.offset();
            k = back[i][k];
        }
        for (int i = 1; i < n; i++) {
            if (along[i] < along[i - 1]) along[i] = along[i - 1];
        }
        return new Placement(along, offset);
    }

    /** The closest point at or after {@code fromMeters}, in the line's local plane (see {@link #place}). */
    private static Candidate closestFrom(Polyline line, double[] xs, double[] ys, double px, double py, double fromMeters) {
        double[] cum = line.cumulative();
        Candidate best = null;
        for (int s = 0; s < xs.length - 1; s++) {
            if (cum[s + 1] < fromMeters) continue;
            double bx = xs[s + 1] - xs[s], by = ys[s + 1] - ys[s];
            double len2 = bx * bx + by * by;
            double t = len2 == 0 ? 0 : ((px - xs[s]) * bx + (py - ys[s]) * by) / len2;
            t = t < 0 ? 0 : Math.min(1, t);
            double segLen = cum[s + 1] - cum[s];
            if (cum[s] + t * segLen < fromMeters) t = segLen == 0 ? 0 : (fromMeters - cum[s]) / segLen;
            double dx = px - (xs[s] + t * bx), dy = py - (ys[s] + t * by);
            double d = Math.sqrt(dx * dx + dy * dy);
            if (best == null || d < best.offset()) best = new Candidate(cum[s] + t * segLen, d);
        }
        if (best == null) {
            int last = xs.length - 1;
            best = new Candidate(line.lengthMeters(), Math.hypot(px - xs[last], py - ys[last]));
        }
        return best;
    }

    private static int argmin(double[] a) {
        int k = 0;
        for (int i = 1; i < a.length; i++) if (a[i] < a[k]) k = i;
        return k;
    }

    /** Without a shape: cumulative great-circle distance between consecutive stops. */
    public static double[] straight(double[] lats, double[] lons) {
        double[] d = new double[lats.length];
        for (int i = 1; i < lats.length; i++) d[i] = d[i - 1] + Geo.distanceMeters(lats[i - 1], lons[i - 1], lats[i], lons[i]);
        return d;
    }
}
