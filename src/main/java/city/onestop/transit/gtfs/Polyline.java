package city.onestop.transit.gtfs;

/** Google's encoded polyline format, precision 1e-5 (what map SDKs decode). */
public final class Polyline {

    private Polyline() {}

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
