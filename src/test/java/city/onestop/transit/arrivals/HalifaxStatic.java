package city.onestop.transit.arrivals;

import city.onestop.transit.realtime.ingest.HalifaxCapture;
import city.onestop.transit.schedule.Geo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.ZipFile;

/**
 * Just enough of Halifax's static GTFS, read straight from the zip for test expectations: trips' shapes, shape
 * points and the stop times (with {@code shape_dist_traveled}, in kilometres) of the trips a test asks for.
 */
final class HalifaxStatic {

    static final ZoneId ZONE = ZoneId.of("America/Halifax");

    record StopTime(String stopId, int sequence, int arrivalSeconds, Double distanceKm) {}

    final Map<String, String> shapeOfTrip = new HashMap<>();
    final Map<String, List<double[]>> shapes = new HashMap<>();
    final Map<String, List<StopTime>> stopTimes = new HashMap<>();
    final Map<String, String> serviceOfTrip = new HashMap<>();
    final Map<String, String> routeOfTrip = new HashMap<>();
    final Map<String, double[]> stopCoordinates = new HashMap<>();
    final List<city.onestop.transit.gtfs.GtfsFeed.Calendar> calendars = new ArrayList<>();
    final List<city.onestop.transit.gtfs.GtfsFeed.CalendarDate> calendarDates = new ArrayList<>();

    /** @param trips the trips whose shapes and stop times are read; null: all of them */
    HalifaxStatic(@org.jspecify.annotations.Nullable Set<String> only) {
        try (ZipFile zip = new ZipFile(HalifaxCapture.dir().resolve("google_transit.zip").toFile())) {
            rows(zip, "trips.txt", r -> {
                shapeOfTrip.put(r.get("trip_id"), r.get("shape_id"));
                serviceOfTrip.put(r.get("trip_id"), r.get("service_id"));
                routeOfTrip.put(r.get("trip_id"), r.get("route_id"));
            });
            Set<String> trips = only != null ? only : Set.copyOf(shapeOfTrip.keySet());
            rows(zip, "stops.txt", r -> {
                if (!r.get("stop_lat").isBlank()) {
                    stopCoordinates.put(r.get("stop_id"), new double[] {
                        Double.parseDouble(r.get("stop_lat")), Double.parseDouble(r.get("stop_lon"))
                    });
                }
            });
            var basic = java.time.format.DateTimeFormatter.BASIC_ISO_DATE;
            rows(zip, "calendar.txt", r -> {
                int days = 0;
                String[] names = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
                for (int i = 0; i < 7; i++) if ("1".equals(r.get(names[i]))) days |= 1 << i;
                calendars.add(new city.onestop.transit.gtfs.GtfsFeed.Calendar(r.get("service_id"), days,
                        LocalDate.parse(r.get("start_date"), basic), LocalDate.parse(r.get("end_date"), basic)));
            });
            rows(zip, "calendar_dates.txt", r -> calendarDates.add(new city.onestop.transit.gtfs.GtfsFeed.CalendarDate(
                    r.get("service_id"), LocalDate.parse(r.get("date"), basic), Integer.parseInt(r.get("exception_type")))));
            Set<String> wantedShapes = new java.util.HashSet<>();
            trips.forEach(t -> {
                if (shapeOfTrip.containsKey(t)) wantedShapes.add(shapeOfTrip.get(t));
            });
            rows(zip, "shapes.txt", r -> {
                if (wantedShapes.contains(r.get("shape_id"))) {
                    shapes.computeIfAbsent(r.get("shape_id"), k -> new ArrayList<>()).add(new double[] {
                        Double.parseDouble(r.get("shape_pt_sequence")),
                        Double.parseDouble(r.get("shape_pt_lat")),
                        Double.parseDouble(r.get("shape_pt_lon"))
                    });
                }
            });
            shapes.values().forEach(l -> l.sort((a, b) -> Double.compare(a[0], b[0])));
            rows(zip, "stop_times.txt", r -> {
                if (!trips.contains(r.get("trip_id"))) return;
                String d = r.get("shape_dist_traveled");
                stopTimes.computeIfAbsent(r.get("trip_id"), k -> new ArrayList<>()).add(new StopTime(
                        r.get("stop_id"),
                        Integer.parseInt(r.get("stop_sequence")),
                        seconds(r.get("arrival_time").strip()),
                        d.isBlank() ? null : Double.parseDouble(d)));
            });
            stopTimes.values().forEach(l -> l.sort((a, b) -> Integer.compare(a.sequence(), b.sequence())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GTFS time on a service day: seconds after "noon minus 12 h" local time (25:30:00 is legal). */
    static Instant at(LocalDate serviceDay, int seconds) {
        return serviceDay.atTime(12, 0).atZone(ZONE).minusHours(12).toInstant().plusSeconds(seconds);
    }

    static int seconds(String hhmmss) {
        String[] p = hhmmss.split(":");
        return Integer.parseInt(p[0]) * 3600 + Integer.parseInt(p[1]) * 60 + Integer.parseInt(p[2]);
    }

    private static void rows(ZipFile zip, String file, Consumer<Map<String, String>> each) throws IOException {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(zip.getInputStream(zip.getEntry(file)), StandardCharsets.UTF_8))) {
            List<String> header = split(in.readLine().replace("\uFEFF", ""));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) continue;
                List<String> cells = split(line);
                Map<String, String> row = new HashMap<>();
                for (int i = 0; i < header.size(); i++) row.put(header.get(i).strip(), i < cells.size() ? cells.get(i) : "");
                each.accept(row);
            }
        }
    }

    /** CSV with quoted fields (headsigns may hold commas). */
    private static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == ',' && !quoted) {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        out.add(cell.toString());
        return out;
    }

    /** [metres along, metres off, 1 if the shape passes within 20 m of the point elsewhere], by brute force: the
     * independent expectation the projection is checked against. */
    static double[] nearestSample(List<double[]> pts, double lat, double lon) {
        List<double[]> samples = new ArrayList<>();
        double along = 0, best = Double.MAX_VALUE, bestAlong = 0;
        for (int i = 1; i < pts.size(); i++) {
            double[] a = pts.get(i - 1), b = pts.get(i);
            double len = Geo.distanceMeters(a[1], a[2], b[1], b[2]);
            int steps = Math.max(1, (int) Math.ceil(len));
            for (int s = 0; s <= steps; s++) {
                double f = (double) s / steps;
                double d = Geo.distanceMeters(lat, lon, a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2]));
                samples.add(new double[] {along + f * len, d});
                if (d < best) {
                    best = d;
                    bestAlong = along + f * len;
                }
            }
            along += len;
        }
        double nearest = best, at = bestAlong;
        boolean ambiguous = samples.stream().anyMatch(x -> Math.abs(x[0] - at) > 60 && x[1] <= nearest + 20);
        return new double[] {bestAlong, best, ambiguous ? 1 : 0};
    }
}
