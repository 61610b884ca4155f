package city.onestop.transit.schedule;

/** Small-distance geometry on the WGS84 sphere: great-circle distances and projections onto short segments. */
public final class Geo {

    public static final double EARTH_RADIUS_METERS = 6_371_008.8;

    private Geo() {}

    public static double distanceMeters(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1), p2 = Math.toRadians(lat2);
        double dp = p2 - p1, dl = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(a)));
    }

    /**
     * Fraction {@code t} in [0, 1] of the point on segment a-b closest to p, in a local equirectangular plane
     * (exact enough for segments of a few kilometres).
     */
    public static double projectionFraction(double lat, double lon, double aLat, double aLon, double bLat, double bLon) {
        double k = Math.cos(Math.toRadians(lat));
        double bx = (bLon - aLon) * k, by = bLat - aLat;
        double px = (lon - aLon) * k, py = lat - aLat;
        double len2 = bx * bx + by * by;
        if (len2 == 0) return 0;
        double t = (px * bx + py * by) / len2;
        return t < 0 ? 0 : Math.min(1, t);
    }
}
