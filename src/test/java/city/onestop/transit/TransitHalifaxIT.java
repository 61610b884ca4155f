package city.onestop.transit;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The real Halifax Transit feed (../shared/data/transit/halifax-transit/). Expectations are computed here from the raw
 * text files with plain string handling, not through OneStop's reader.
 */
@IntegrationTest
@ImportedFeed(id = "halifax", source = ImportedFeed.Source.HALIFAX)
class TransitHalifaxIT {

    static final ZoneId HALIFAX = ZoneId.of("America/Halifax");
    static final LocalDate DAY = LocalDate.of(2025, 11, 6);

    @Autowired
    WebTestClient web;

    @Autowired
    AccessTokens tokens;

    @Autowired
    DatabaseClient db;

    static Raw raw;

    @BeforeEach
    void readRawOnce() throws Exception {
        synchronized (TransitHalifaxIT.class) {
            if (raw == null) raw = Raw.read();
        }
    }

    @Test
    void loadsEveryRowOfTheFeed() {
        long v = currentVersion();
        assertThat(count("transit_route", v)).isEqualTo(80L).isEqualTo((long) raw.rows.get("routes.txt"));
        assertThat(count("transit_stop", v)).isEqualTo(2386L).isEqualTo((long) raw.rows.get("stops.txt"));
        assertThat(count("transit_trip", v)).isEqualTo(9472L).isEqualTo((long) raw.rows.get("trips.txt"));
        assertThat(count("transit_stop_time", v)).isEqualTo(328_499L).isEqualTo((long) raw.rows.get("stop_times.txt"));
        web.get().uri("/api/v1/admin/transit/feeds/halifax/imports?limit=1")
                .headers(h -> h.setBearerAuth(TransitFixtures.adminToken(tokens))).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items[0].status").isEqualTo("SUCCEEDED")
                .jsonPath("$.items[0].report.counts.stopTimes").isEqualTo(328_499)
                .jsonPath("$.items[0].report.shapeDistanceUnit").isEqualTo("KILOMETERS")
                .jsonPath("$.items[0].durationMs").isNumber();
    }

    @Test
    void departuresOfTheBusiestStopOnNovember6MatchTheRawTimetable() {
        String stop = raw.busiestStop();
        Instant from = DAY.atStartOfDay(HALIFAX).toInstant();
        Instant to = from.plusSeconds(24 * 3600);
        List<String> expected = raw.departures(stop, from, to);
        assertThat(expected).hasSizeGreaterThan(100);
        List<String> actual = departures(stop, from, 1440);
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @Test
    void anAfterMidnightTripAppearsOnThePreviousServiceDay() {
        // Any stop time at or after 24:00 of a service running on Wednesday 2025-11-05 departs early on Thursday.
        var late = raw.lateStopTime(DAY.minusDays(1));
        Instant from = DAY.atStartOfDay(HALIFAX).toInstant();
        web.get().uri("/api/v1/transit/stops/halifax:{s}/departures?from={f}&duration=180&limit=1000", late[1],
                        from.atZone(HALIFAX).toOffsetDateTime().toString())
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.items[?(@.tripId == 'halifax:" + late[0] + "')].serviceDate").isEqualTo(List.of("2025-11-05"))
                .jsonPath("$.items[?(@.tripId == 'halifax:" + late[0] + "')].scheduledDeparture")
                .isEqualTo(List.of(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX").format(DAY.minusDays(1)
                        .atTime(LocalTime.NOON).atZone(HALIFAX).minusHours(12).plusSeconds(Integer.parseInt(late[2])))));
    }

    @Test
    void distancesAlongShapesAreMonotonicAndStopsProjectCloseToThemselves() {
        long v = currentVersion();
        record P(String shape, String[] stops, Double[] dist) {}
        List<P> patterns = db.sql("select shape_id, stop_ids, distances_meters from transit_pattern where version_id = :v")
                .bind("v", v)
                .map(r -> new P(r.get("shape_id", String.class), r.get("stop_ids", String[].class), r.get("distances_meters", Double[].class)))
                .all().collectList().block();
        assertThat(patterns).isNotEmpty();
        int total = 0, close = 0;
        for (P p : patterns) {
            for (int i = 1; i < p.dist().length; i++) {
                assertThat(p.dist()[i]).as("pattern on shape %s, stop %d", p.shape(), i).isGreaterThanOrEqualTo(p.dist()[i - 1]);
            }
            if (p.shape() == null) continue;
            double[][] shape = raw.shapes.get(p.shape());
            for (int i = 0; i < p.stops().length; i++) {
                double[] at = pointAlong(shape, p.dist()[i]);
                double[] s = raw.stops.get(p.stops()[i]);
                total++;
                if (haversine(at[0], at[1], s[0], s[1]) <= 100) close++;
            }
        }
        assertThat((double) close / total).as("%d of %d stops within 100 m of their point on the shape", close, total)
                .isGreaterThanOrEqualTo(0.99);
    }

    // ---------------------------------------------------------------- helpers

    private List<String> departures(String stop, Instant from, int minutes) {
        var body = web.get().uri("/api/v1/transit/stops/halifax:{s}/departures?from={f}&duration={d}&limit=1000", stop,
                        from.atZone(HALIFAX).toOffsetDateTime().toString(), minutes)
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) body.get("items")) {
            Map<?, ?> m = (Map<?, ?>) o;
            out.add(m.get("tripId").toString().substring("halifax:".length()) + "@"
                    + OffsetDateTime.parse(m.get("scheduledDeparture").toString()).toInstant());
        }
        return out;
    }

    private long currentVersion() {
        return db.sql("select current_version from transit_feed where feed_id = 'halifax'").map(r -> r.get(0, Long.class)).one().block();
    }

    private long count(String table, long v) {
        return db.sql("select count(*) from " + table + " where version_id = :v").bind("v", v).map(r -> r.get(0, Long.class)).one().block();
    }

    static double haversine(double lat1, double lon1, double lat2, double lon2) {
        double r = 6371008.8, p1 = Math.toRadians(lat1), p2 = Math.toRadians(lat2);
        double a = Math.pow(Math.sin((p2 - p1) / 2), 2) + Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin(Math.toRadians(lon2 - lon1) / 2), 2);
        return 2 * r * Math.asin(Math.sqrt(a));
    }

    static double[] pointAlong(double[][] shape, double meters) {
        double done = 0;
        for (int i = 1; i < shape.length; i++) {
            double seg = haversine(shape[i - 1][0], shape[i - 1][1], shape[i][0], shape[i][1]);
            if (done + seg >= meters) {
                double t = seg == 0 ? 0 : (meters - done) / seg;
                return new double[] {shape[i - 1][0] + t * (shape[i][0] - shape[i - 1][0]), shape[i - 1][1] + t * (shape[i][1] - shape[i - 1][1])};
            }
            done += seg;
        }
        return shape[shape.length - 1];
    }

    /** The raw files, split by hand (Halifax quotes no fields in these columns). */
    static final class Raw {
        final Map<String, Integer> rows = new HashMap<>();
        final Map<String, double[]> stops = new HashMap<>();
        final Map<String, double[][]> shapes = new HashMap<>();
        final Map<String, String> tripService = new HashMap<>();
        final List<String[]> stopTimes = new ArrayList<>(); // trip, stop, departure seconds
        final Map<String, String[]> calendar = new HashMap<>();
        final Map<String, Map<String, String>> exceptions = new HashMap<>();

        static Raw read() throws Exception {
            Raw raw = new Raw();
            try (ZipFile zip = new ZipFile(TransitFixtures.halifaxZip().toFile())) {
                for (String f : List.of("routes.txt", "stops.txt", "trips.txt", "stop_times.txt", "calendar.txt", "calendar_dates.txt", "shapes.txt")) {
                    List<String[]> lines = new ArrayList<>();
                    try (var in = new BufferedReader(new InputStreamReader(zip.getInputStream(zip.getEntry(f)), StandardCharsets.UTF_8))) {
                        String header = in.readLine();
                        List<String> cols = List.of(header.replace("\uFEFF", "").split(","));
                        String line;
                        while ((line = in.readLine()) != null) {
                            if (line.isBlank()) continue;
                            String[] parts = line.split(",", -1);
                            lines.add(parts);
                            switch (f) {
                                case "stops.txt" -> {
                                    int n = parts.length - cols.size(); // a quoted comma in a name shifts later columns
                                    raw.stops.put(parts[0], new double[] {Double.parseDouble(parts[cols.indexOf("stop_lat") + n]),
                                            Double.parseDouble(parts[cols.indexOf("stop_lon") + n])});
                                }
                                case "trips.txt" -> raw.tripService.put(parts[cols.indexOf("trip_id")], parts[cols.indexOf("service_id")]);
                                case "stop_times.txt" -> raw.stopTimes.add(new String[] {parts[0], parts[cols.indexOf("stop_id")],
                                        String.valueOf(seconds(parts[cols.indexOf("departure_time")]))});
                                case "calendar.txt" -> raw.calendar.put(parts[0], parts);
                                case "calendar_dates.txt" -> raw.exceptions.computeIfAbsent(parts[0], k -> new HashMap<>()).put(parts[1], parts[2].trim());
                                default -> {}
                            }
                        }
                    }
                    raw.rows.put(f, lines.size());
                    if (f.equals("shapes.txt")) {
                        Map<String, List<String[]>> byShape = new HashMap<>();
                        lines.forEach(l -> byShape.computeIfAbsent(l[0], k -> new ArrayList<>()).add(l));
                        byShape.forEach((id, pts) -> {
                            pts.sort((a, b) -> Integer.compare(Integer.parseInt(a[3].trim()), Integer.parseInt(b[3].trim())));
                            raw.shapes.put(id, pts.stream().map(p -> new double[] {Double.parseDouble(p[1]), Double.parseDouble(p[2])}).toArray(double[][]::new));
                        });
                    }
                }
            }
            return raw;
        }

        static int seconds(String t) {
            String[] p = t.trim().split(":");
            return Integer.parseInt(p[0]) * 3600 + Integer.parseInt(p[1]) * 60 + Integer.parseInt(p[2]);
        }

        boolean runs(String service, LocalDate d) {
            String key = d.format(DateTimeFormatter.BASIC_ISO_DATE);
            String ex = exceptions.getOrDefault(service, Map.of()).get(key);
            if (ex != null) return ex.equals("1");
            String[] c = calendar.get(service);
            if (c == null) return false;
            return key.compareTo(c[8].trim()) >= 0 && key.compareTo(c[9].trim()) <= 0
                    && c[d.getDayOfWeek().getValue()].trim().equals("1");
        }

        String busiestStop() {
            Map<String, Integer> n = new HashMap<>();
            stopTimes.forEach(s -> n.merge(s[1], 1, Integer::sum));
            return n.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        }

        List<String> departures(String stop, Instant from, Instant to) {
            List<Object[]> found = new ArrayList<>();
            for (LocalDate d = DAY.minusDays(2); !d.isAfter(DAY.plusDays(1)); d = d.plusDays(1)) {
                Instant base = d.atTime(LocalTime.NOON).atZone(HALIFAX).minusHours(12).toInstant();
                for (String[] st : stopTimes) {
                    if (!st[1].equals(stop) || !runs(tripService.get(st[0]), d)) continue;
                    Instant at = base.plusSeconds(Integer.parseInt(st[2]));
                    if (!at.isBefore(from) && at.isBefore(to)) found.add(new Object[] {at, st[0]});
                }
            }
            found.sort((a, b) -> {
                int c = ((Instant) a[0]).compareTo((Instant) b[0]);
                return c != 0 ? c : ((String) a[1]).compareTo((String) b[1]);
            });
            return found.stream().map(o -> o[1] + "@" + o[0]).toList();
        }

        /** trip, stop, departure seconds of a stop time past 24:00 whose trip runs on {@code serviceDate}. */
        String[] lateStopTime(LocalDate serviceDate) {
            Set<String> seen = new HashSet<>();
            for (String[] st : stopTimes) {
                int s = Integer.parseInt(st[2]);
                if (s >= 24 * 3600 && s < 27 * 3600 && runs(tripService.get(st[0]), serviceDate) && seen.add(st[0])) return st;
            }
            throw new IllegalStateException("no after-midnight stop time on " + serviceDate);
        }
    }
}
