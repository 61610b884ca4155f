package city.onestop.transit.demo;

import city.onestop.transit.gtfs.GtfsTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * OneStop's own small city, generated as a GTFS zip so that {@code mvn spring-boot:run} has buses without any agency
 * feed: four lines around 23.13 N 113.26 E (Guangzhou), 40 stops, shapes that follow the streets with points every
 * ~100 m, a timetable from 05:30 to past midnight, a loop line, and a night line described by frequencies.txt that
 * runs until 05:00 (29:00 on the previous service day). It goes through the normal import like any agency's feed.
 */
public final class DemoCity {

    public static final String FEED_ID = "demo";
    public static final String TIMEZONE = "Asia/Shanghai";
    private static final double LAT0 = 23.13, LON0 = 113.26;
    private static final DateTimeFormatter D = DateTimeFormatter.BASIC_ISO_DATE;

    private record Stop(String id, String name, double lat, double lon) {}

    private record Line(String id, String shortName, String longName, int type, String color, List<double[]> path,
            List<Stop> stops, boolean loop) {}

    private DemoCity() {}

    /**
     * @param start first service date (the feed runs a year from it)
     * @param nameSuffix appended to stop and route names: two variants of the city differ only there
     */
    public static byte[] zip(LocalDate start, String nameSuffix) {
        List<Line> lines = lines(nameSuffix);
        Map<String, String> files = new LinkedHashMap<>();
        files.put("agency.txt", "agency_id,agency_name,agency_url,agency_timezone,agency_lang\n"
                + "onestop,OneStop 示范公交,https://onestop.city,Asia/Shanghai,zh-CN\n");
        files.put("feed_info.txt", "feed_publisher_name,feed_publisher_url,feed_lang,feed_version\n"
                + "OneStop,https://onestop.city,zh,demo-" + start.format(D) + "\n");
        StringBuilder stops = new StringBuilder("stop_id,stop_name,stop_lat,stop_lon,location_type\n");
        Map<String, Stop> seen = new LinkedHashMap<>();
        lines.forEach(l -> l.stops().forEach(s -> seen.putIfAbsent(s.id(), s)));
        seen.values().forEach(s -> stops.append(s.id()).append(',').append(csv(s.name())).append(',')
                .append(String.format("%.6f,%.6f", s.lat(), s.lon())).append(",0\n"));
        files.put("stops.txt", stops.toString());
        StringBuilder routes = new StringBuilder("route_id,agency_id,route_short_name,route_long_name,route_type,route_color\n");
        lines.forEach(l -> routes.append(l.id()).append(",onestop,").append(l.shortName()).append(',')
                .append(csv(l.longName())).append(',').append(l.type()).append(',').append(l.color()).append('\n'));
        files.put("routes.txt", routes.toString());
        LocalDate end = start.plusYears(1);
        files.put("calendar.txt", "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
                + "WD,1,1,1,1,1,0,0," + start.format(D) + "," + end.format(D) + "\n"
                + "WE,0,0,0,0,0,1,1," + start.format(D) + "," + end.format(D) + "\n"
                + "ALL,1,1,1,1,1,1,1," + start.format(D) + "," + end.format(D) + "\n");
        // A public holiday four weeks in: weekday service replaced by the weekend timetable.
        LocalDate holiday = start.plusDays(28);
        while (holiday.getDayOfWeek().getValue() > 5) holiday = holiday.plusDays(1);
        files.put("calendar_dates.txt", "service_id,date,exception_type\nWD," + holiday.format(D) + ",2\nWE,"
                + holiday.format(D) + ",1\n");
        StringBuilder shapes = new StringBuilder("shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\n");
        StringBuilder trips = new StringBuilder("route_id,service_id,trip_id,trip_headsign,direction_id,shape_id\n");
        StringBuilder times = new StringBuilder("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n");
        StringBuilder freqs = new StringBuilder("trip_id,start_time,end_time,headway_secs,exact_times\n");
        for (Line l : lines) {
            for (int dir = 0; dir < (l.loop() ? 1 : 2); dir++) {
                List<double[]> path = new ArrayList<>(l.path());
                List<Stop> st = new ArrayList<>(l.stops());
                if (dir == 1) {
                    java.util.Collections.reverse(path);
                    java.util.Collections.reverse(st);
                }
                String shapeId = l.id() + "-" + dir;
                List<double[]> dense = densify(path);
                for (int i = 0; i < dense.size(); i++) {
                    shapes.append(shapeId).append(String.format(",%.6f,%.6f,", dense.get(i)[0], dense.get(i)[1]))
                            .append(i + 1).append('\n');
                }
                String headsign = st.get(st.size() - 1).name();
                if (l.id().equals("N8")) {
                    String trip = "N8-" + dir + "-night";
                    trips.append(l.id()).append(",ALL,").append(trip).append(',').append(csv(headsign)).append(',')
                            .append(dir).append(',').append(shapeId).append('\n');
                    appendTimes(times, trip, st, 23 * 3600, 150);
                    freqs.append(trip).append(",23:00:00,29:00:00,1800,1\n");
                    continue;
                }
                String[][] services = l.loop() ? new String[][] {{"ALL", "360", "22:00:00", "720"}}
                        : new String[][] {{"WD", "330", "24:30:00", "600"}, {"WE", "360", "24:00:00", "900"}};
                for (String[] s : services) {
                    int first = Integer.parseInt(s[1]) * 60, last = GtfsTime.parse(s[2]), headway = Integer.parseInt(s[3]);
                    int n = 0;
                    for (int t = first + dir * 180; t <= last; t += headway) {
                        String trip = l.id() + "-" + s[0] + "-" + dir + "-" + (++n);
                        trips.append(l.id()).append(',').append(s[0]).append(',').append(trip).append(',')
                                .append(csv(headsign)).append(',').append(dir).append(',').append(shapeId).append('\n');
                        appendTimes(times, trip, st, t, 120);
                    }
                }
            }
        }
        files.put("shapes.txt", shapes.toString());
        files.put("trips.txt", trips.toString());
        files.put("stop_times.txt", times.toString());
        files.put("frequencies.txt", freqs.toString());
        return zipOf(files);
    }

    private static void appendTimes(StringBuilder out, String trip, List<Stop> stops, int start, int perStop) {
        for (int i = 0; i < stops.size(); i++) {
            int arr = start + i * perStop;
            int dep = arr + (i == 0 || i == stops.size() - 1 ? 0 : 20);
            out.append(trip).append(',').append(GtfsTime.format(arr)).append(',').append(GtfsTime.format(dep)).append(',')
                    .append(stops.get(i).id()).append(',').append(i + 1).append('\n');
        }
    }

    private static List<Line> lines(String suffix) {
        List<Line> out = new ArrayList<>();
        // Guangzhou street names, in Chinese first (zh-CN is the city app's language).
        String[] streets = {"中山路", "北京路", "人民路", "解放路", "东风路", "环市路", "越秀路", "海珠路",
                "荔湾路", "天河路", "小北路", "农林路", "黄沙路", "长堤路"};
        // Line 1: west-east along the main avenue, 10 stops, 700 m apart.
        List<double[]> p1 = List.of(pt(0, -3.15), pt(0, 3.15));
        out.add(new Line("1", "1", "黄沙 - 天河" + suffix, 3, "D32F2F", p1, stopsAlong("E", p1, 10, streets, 0, suffix), false));
        // Line 2: south-north with a dog-leg, 10 stops.
        List<double[]> p2 = List.of(pt(-3.2, 0.35), pt(-0.6, 0.35), pt(0.6, -0.35), pt(3.2, -0.35));
        out.add(new Line("2", "2", "海珠 - 白云" + suffix, 3, "1976D2", p2, stopsAlong("N", p2, 10, streets, 3, suffix), false));
        // Line 3: a loop around the old town, 12 stops; first and last point coincide.
        List<double[]> p3 = List.of(pt(1.2, -1.8), pt(1.2, 1.8), pt(-1.2, 1.8), pt(-1.2, -1.8), pt(1.2, -1.8));
        List<Stop> s3 = stopsAlong("L", p3, 13, streets, 6, suffix);
        s3.set(12, s3.get(0));
        out.add(new Line("3", "3", "老城环线" + suffix, 3, "388E3C", p3, s3, true));
        // Night line N8: an L through the east, 8 stops, frequency-based.
        List<double[]> p8 = List.of(pt(2.6, 1.0), pt(2.6, 2.8), pt(-2.4, 2.8));
        out.add(new Line("N8", "N8", "东部夜班线" + suffix, 3, "455A64", p8, stopsAlong("Q", p8, 8, streets, 9, suffix), false));
        return out;
    }

    /** A point {@code north} km and {@code east} km from the centre. */
    private static double[] pt(double northKm, double eastKm) {
        return new double[] {LAT0 + northKm / 111.32, LON0 + eastKm / (111.32 * Math.cos(Math.toRadians(LAT0)))};
    }

    /** Stops spread evenly along a path, each set 12 m to the side of the street like a real kerbside stop. */
    private static List<Stop> stopsAlong(String prefix, List<double[]> path, int n, String[] streets, int offset, String suffix) {
        List<double[]> dense = densify(path);
        double[] cum = new double[dense.size()];
        for (int i = 1; i < dense.size(); i++) cum[i] = cum[i - 1] + meters(dense.get(i - 1), dense.get(i));
        List<Stop> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            double target = cum[cum.length - 1] * k / (n - 1);
            int i = 1;
            while (i < cum.length - 1 && cum[i] < target) i++;
            double t = (target - cum[i - 1]) / Math.max(1e-9, cum[i] - cum[i - 1]);
            double lat = dense.get(i - 1)[0] + t * (dense.get(i)[0] - dense.get(i - 1)[0]);
            double lon = dense.get(i - 1)[1] + t * (dense.get(i)[1] - dense.get(i - 1)[1]);
            lat += 12 / 111_320.0;
            String name = streets[(offset + k) % streets.length] + prefix + (k + 1) + "站" + suffix;
            out.add(new Stop(prefix + (k + 1), name, lat, lon));
        }
        return out;
    }

    private static List<double[]> densify(List<double[]> path) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i + 1 < path.size(); i++) {
            double[] a = path.get(i), b = path.get(i + 1);
            int steps = Math.max(1, (int) Math.ceil(meters(a, b) / 100));
            for (int s = 0; s < steps; s++) {
                double t = (double) s / steps;
                out.add(new double[] {a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])});
            }
        }
        out.add(path.get(path.size() - 1));
        return out;
    }

    private static double meters(double[] a, double[] b) {
        double dy = (b[0] - a[0]) * 111_320;
        double dx = (b[1] - a[1]) * 111_320 * Math.cos(Math.toRadians(a[0]));
        return Math.sqrt(dx * dx + dy * dy);
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static byte[] zipOf(Map<String, String> files) {
        try {
            var bytes = new ByteArrayOutputStream();
            try (var zip = new ZipOutputStream(bytes)) {
                for (var e : files.entrySet()) {
                    zip.putNextEntry(new ZipEntry(e.getKey()));
                    zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                    zip.closeEntry();
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
