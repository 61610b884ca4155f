package city.onestop.transit.schedule;

import org.jspecify.annotations.Nullable;

/**
 * The one polyline type of transit: a shape's points with the distance along it of every point, the projection of a
 * position onto it, and Google's encoded polyline format (what the API serves and map SDKs decode). Pure and
 * immutable; metres everywhere.
 */
public final class Polyline {

    private static final double EARTH_RADIUS_METERS = Geo.EARTH_RADIUS_METERS;
    /** GPS noise and a bus creeping backwards at a stop: progress may step back this far. */
    public static final double BACKTRACK_METERS = 50;
    /** Further than this from the part of the shape ahead, the vehicle is searched on the whole shape. */
    static final double MAX_OFFSET_METERS = 150;
    /** Candidates this close to the best are equally good; the tie is broken by progress, not by noise. */
    private static final double TIE_METERS = 20;
    /** Nearer together than this along the shape, two near stretches are one pass. */
    static final double PASS_GAP_METERS = 60;

    private final double[] lats;
    private final double[] lons;
    private final double[] distances;

    public Polyline(double[] lats, double[] lons) {
        if (lats.length != lons.length || lats.length < 1) {
            throw new IllegalArgumentException("a polyline needs a point");
        }
        this.lats = lats.clone();
        this.lons = lons.clone();
        this.distances = new double[lats.length];
        for (int i = 1; i < lats.length; i++) {
            distances[i] = distances[i - 1] + Geo.distanceMeters(lats[i - 1], lons[i - 1], lats[i], lons[i]);
        }
    }

    public double lengthMeters() {
        return distances[distances.length - 1];
    }

    /** The points' latitudes (not to be modified). */
    public double[] lats() {
        return lats;
    }

    /** The points' longitudes (not to be modified). */
    public double[] lons() {
        return lons;
    }

    /** {@code cumulative()[i]}: metres along the line from its first point to point i (not to be modified). */
    public double[] cumulative() {
        return distances;
    }

    /** The point {@code meters} along the shape (clamped to its ends) and the bearing there, degrees from north. */
    public double[] pointAt(double meters) {
        if (lats.length == 1) return new double[] {lats[0], lons[0], 0};
        double m = Math.max(0, Math.min(lengthMeters(), meters));
        int i = 1;
        while (i < distances.length - 1 && distances[i] < m) i++;
        double span = distances[i] - distances[i - 1];
        double f = span == 0 ? 0 : (m - distances[i - 1]) / span;
        double lat = lats[i - 1] + f * (lats[i] - lats[i - 1]);
        double lon = lons[i - 1] + f * (lons[i] - lons[i - 1]);
        return new double[] {lat, lon, heading(lats[i - 1], lons[i - 1], lats[i], lons[i])};
    }

    /** Where a position lies along the shape: metres from its start, and how far off the shape it is. */
    public record Projection(double distanceMeters, double offsetMeters) {}

    /**
     * Projects a position onto the shape.
     *
     * @param fromMeters the vehicle's last known progress: only the shape from there on (less a small backtrack)
     *     is searched, so a loop or an out-and-back route does not send the bus back to the leg it already ran
     * @param hintMeters where the schedule expects it (when there is no last progress): among equally near
     *     candidates, the one closest to the hint wins
     */
    public Projection project(double lat, double lon, @Nullable Double fromMeters, @Nullable Double hintMeters) {
        return project(lat, lon, fromMeters, hintMeters, null);
    }

    /**
     * As {@link #project(double, double, Double, Double)}, and with the vehicle's compass bearing: on a first
     * sighting, a pass the vehicle heads along (within {@value #BEARING_AGREES_DEGREES}°) beats one it doesn't (the
     * two sides of a loop or an out-and-back street run opposite ways), before the schedule's hint decides.
     */
    public Projection project(double lat, double lon, @Nullable Double fromMeters, @Nullable Double hintMeters,
            @Nullable Double bearingDegrees) {
        int n = lats.length - 1;
        double[] along = new double[n];
        double[] offset = new double[n];
        double cosLat = Math.cos(Math.toRadians(lat));
        for (int i = 0; i < n; i++) {
            // Local equirectangular metres around the vehicle: exact enough over one segment.
            double ax = (lons[i] - lon) * cosLat, ay = lats[i] - lat;
            double bx = (lons[i + 1] - lon) * cosLat, by = lats[i + 1] - lat;
            double dx = bx - ax, dy = by - ay;
            double len2 = dx * dx + dy * dy;
            double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
            double px = ax + t * dx, py = ay + t * dy;
            offset[i] = Math.toRadians(Math.sqrt(px * px + py * py)) * EARTH_RADIUS_METERS;
            along[i] = distances[i] + t * (distances[i + 1] - distances[i]);
        }
        double from = fromMeters == null ? Double.NEGATIVE_INFINITY : fromMeters - BACKTRACK_METERS;
        int best = best(offset, along, from);
        if (best < 0 || (fromMeters != null && offset[best] > MAX_OFFSET_METERS)) {
            from = Double.NEGATIVE_INFINITY;
            best = best(offset, along, from);
        }
        // Passes of the shape near the vehicle: runs of segments within TIE of the best, a run broken only where the
        // shape goes more than PASS_GAP along before coming near again, or comes back the other way (a short
        // out-and-back street is two passes). One run per time the route goes by here (a
        // loop, an out-and-back street); its representative is its nearest point. A zigzag of a few metres (a bus
        // bay, a kerb) is not a second pass.
        double limit = offset[best] + TIE_METERS;
        int chosen = -1;
        int rep = -1;
        double lastAlong = Double.NEGATIVE_INFINITY;
        for (int i = 0; i <= n; i++) {
            boolean near = i < n && offset[i] <= limit && along[i] >= from;
            if (i < n && !near) continue; // a stretch away from the vehicle: the pass may resume within the gap
            // The shape between the end of the last near segment and the start of this one.
            if (near && rep >= 0 && distances[i] - lastAlong <= PASS_GAP_METERS && sameWay(rep, i)) {
                if (offset[i] < offset[rep]) rep = i;
                lastAlong = distances[i + 1];
                continue;
            }
            if (rep >= 0) {
                if (chosen < 0) {
                    chosen = rep; // the first pass ahead of the last progress
                } else if (fromMeters == null) {
                    // No progress yet: the pass the vehicle heads along, then the one the schedule expects.
                    int agrees = agrees(rep, bearingDegrees) - agrees(chosen, bearingDegrees);
                    if (agrees > 0 || (agrees == 0 && hintMeters != null
                            && Math.abs(along[rep] - hintMeters) < Math.abs(along[chosen] - hintMeters))) {
                        chosen = rep;
                    }
                }
                rep = -1;
            }
            if (near) {
                rep = i;
                lastAlong = distances[i + 1];
            }
        }
        return new Projection(along[chosen], offset[chosen]);
    }

    /** One pass of the shape near a position: metres along, metres off, and the shape's bearing there. */
    public record Pass(double distanceMeters, double offsetMeters, double bearingDegrees) {}

    /**
     * Every pass of the shape within {@code maxOffsetMeters} of a position (a loop's two ends, both sides of an
     * out-and-back street), each represented by its nearest point, nearest first. For vehicles that name no trip:
     * the caller picks among them by bearing and by the vehicle's previous progress.
     */
    public java.util.List<Pass> passes(double lat, double lon, double maxOffsetMeters) {
        int n = lats.length - 1;
        double cosLat = Math.cos(Math.toRadians(lat));
        java.util.List<Pass> out = new java.util.ArrayList<>();
        int rep = -1;
        double repOffset = 0, repAlong = 0;
        for (int i = 0; i <= n; i++) {
            double off = Double.MAX_VALUE, al = 0;
            if (i < n) {
                double ax = (lons[i] - lon) * cosLat, ay = lats[i] - lat;
                double bx = (lons[i + 1] - lon) * cosLat, by = lats[i + 1] - lat;
                double dx = bx - ax, dy = by - ay;
                double len2 = dx * dx + dy * dy;
                double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
                double px = ax + t * dx, py = ay + t * dy;
                off = Math.toRadians(Math.sqrt(px * px + py * py)) * EARTH_RADIUS_METERS;
                al = distances[i] + t * (distances[i + 1] - distances[i]);
            }
            if (off <= maxOffsetMeters) {
                if (rep < 0 || off < repOffset) {
                    if (rep < 0) rep = i;
                    repOffset = off;
                    repAlong = al;
                    rep = i;
                }
                continue;
            }
            if (rep >= 0) {
                out.add(new Pass(repAlong, repOffset, segmentBearing(rep)));
                rep = -1;
            }
        }
        out.sort(java.util.Comparator.comparingDouble(Pass::offsetMeters));
        return out;
    }

    private double segmentBearing(int i) {
        double dx = (lons[i + 1] - lons[i]) * Math.cos(Math.toRadians(lats[i]));
        double dy = lats[i + 1] - lats[i];
        return (Math.toDegrees(Math.atan2(dx, dy)) + 360) % 360;
    }

    /** True when the shape ends where it starts (within 50 m): a loop, whose stops ahead wrap around. */
    public boolean isClosed() {
        return Geo.distanceMeters(lats[0], lons[0], lats[lats.length - 1], lons[lons.length - 1]) < 50;
    }

    static final double BEARING_AGREES_DEGREES = 60;

    /** 1 if segment {@code i} runs within {@link #BEARING_AGREES_DEGREES} of the bearing, else 0 (also without one). */
    private int agrees(int i, @Nullable Double bearingDegrees) {
        if (bearingDegrees == null) return 0;
        double heading = heading(lats[i], lons[i], lats[i + 1], lons[i + 1]);
        double diff = Math.abs(((heading - bearingDegrees) % 360 + 540) % 360 - 180);
        return diff <= BEARING_AGREES_DEGREES ? 1 : 0;
    }

    /** Compass heading from a to b, degrees from north (local equirectangular: exact enough over one segment). */
    private static double heading(double latA, double lonA, double latB, double lonB) {
        double dx = (lonB - lonA) * Math.cos(Math.toRadians((latA + latB) / 2));
        double dy = latB - latA;
        return (Math.toDegrees(Math.atan2(dx, dy)) + 360) % 360;
    }

    /** Whether segments i and j run the same way: not back along each other (headings less than 135° apart). */
    private boolean sameWay(int i, int j) {
        double a = heading(lats[i], lons[i], lats[i + 1], lons[i + 1]);
        double b = heading(lats[j], lons[j], lats[j + 1], lons[j + 1]);
        return Math.abs(((a - b) % 360 + 540) % 360 - 180) < 135;
    }

    private static int best(double[] offset, double[] along, double from) {
        int best = -1;
        for (int i = 0; i < offset.length; i++) {
            if (along[i] < from) continue;
            if (best < 0 || offset[i] < offset[best]) best = i;
        }
        return best;
    }

    // Google's encoded polyline format, precision 1e-5 (what map SDKs decode): how shapes are stored and served.

    public static String encode(double[] lats, double[] lons) {
        StringBuilder sb = new StringBuilder(lats.length * 6);
        long prevLat = 0, prevLon = 0;
        for (int i = 0; i < lats.length; i++) {
            long lat = Math.round(lats[i] * 1e5), lon = Math.round(lons[i] * 1e5);
            encode(lat - prevLat, sb);
            encode(lon - prevLon, sb);
            prevLat = lat;
            prevLon = lon;
        }
        return sb.toString();
    }

    private static void encode(long v, StringBuilder sb) {
        v = v < 0 ? ~(v << 1) : v << 1;
        while (v >= 0x20) {
            sb.append((char) ((0x20 | (v & 0x1f)) + 63));
            v >>= 5;
        }
        sb.append((char) (v + 63));
    }

    public static double[][] decode(String encoded) {
        var lats = new java.util.ArrayList<Double>();
        var lons = new java.util.ArrayList<Double>();
        int i = 0;
        long lat = 0, lon = 0;
        while (i < encoded.length()) {
            long[] r = next(encoded, i);
            lat += r[0];
            r = next(encoded, (int) r[1]);
            lon += r[0];
            i = (int) r[1];
            lats.add(lat / 1e5);
            lons.add(lon / 1e5);
        }
        double[][] out = new double[2][lats.size()];
        for (int k = 0; k < lats.size(); k++) {
            out[0][k] = lats.get(k);
            out[1][k] = lons.get(k);
        }
        return out;
    }

    private static long[] next(String s, int i) {
        long result = 0;
        int shift = 0;
        int b;
        do {
            b = s.charAt(i++) - 63;
            result |= (long) (b & 0x1f) << shift;
            shift += 5;
        } while (b >= 0x20);
        return new long[] {(result & 1) != 0 ? ~(result >> 1) : result >> 1, i};
    }
}
