package city.onestop.transit.gtfs;

/**
 * GTFS times as seconds since "noon minus 12 h" of the service day; never {@code LocalTime}, since 25:10:00 is legal.
 */
public final class GtfsTime {

    public static final int MISSING = -1;

    private GtfsTime() {}

    /**
     * Parses {@code H:MM:SS} or {@code HH:MM:SS}, tolerating surrounding spaces ({@code " 5:49:00"}) and hours past 24.
     *
     * @return seconds, {@link #MISSING} for an empty value
     * @throws IllegalArgumentException for anything else
     */
    public static int parse(String raw) {
        String s = raw.strip();
        if (s.isEmpty()) {
            return MISSING;
        }
        int first = s.indexOf(':');
        int second = first < 0 ? -1 : s.indexOf(':', first + 1);
        if (first < 1 || second != first + 3 || s.length() != second + 3 || first > 3) {
            throw new IllegalArgumentException("'" + raw + "' is not a GTFS time (H:MM:SS)");
        }
        int h = digits(s, 0, first, raw);
        int m = digits(s, first + 1, second, raw);
        int sec = digits(s, second + 1, s.length(), raw);
        if (m > 59 || sec > 59) {
            throw new IllegalArgumentException("'" + raw + "' is not a GTFS time (minutes and seconds 00-59)");
        }
        return h * 3600 + m * 60 + sec;
    }

    private static int digits(String s, int from, int to, String raw) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("'" + raw + "' is not a GTFS time (H:MM:SS)");
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    public static String format(int seconds) {
        return String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
