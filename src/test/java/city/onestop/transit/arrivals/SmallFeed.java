package city.onestop.transit.arrivals;

import city.onestop.transit.gtfs.GtfsFeed;
import city.onestop.transit.realtime.ingest.FeedKind;
import city.onestop.transit.realtime.ingest.LiveFeedProperties;
import city.onestop.transit.realtime.ingest.LiveSnapshot;
import city.onestop.transit.realtime.ingest.LiveView;
import city.onestop.transit.realtime.ingest.TripUpdateState;
import city.onestop.transit.realtime.ingest.VehicleState;
import city.onestop.transit.schedule.Polyline;
import city.onestop.transit.schedule.ServiceCalendar;
import city.onestop.transit.schedule.Timetables;
import city.onestop.transit.schedule.TransitQueries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;

/**
 * A small feed built inside a test: streets laid out in metres from a centre point, stops on them at known
 * distances, trips with GTFS times, every service running every day. The test knows where everything is by
 * construction, so its expectations (stops away, metres) are its own arithmetic, not the board code's.
 */
final class SmallFeed {

    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    static final double LAT0 = 23.10, LON0 = 113.30;
    static final String FEED = "small";

    private final Map<String, Timetables.Stop> stops = new LinkedHashMap<>();
    private final Map<String, Timetables.Trip> trips = new LinkedHashMap<>();
    private final Map<String, TransitQueries.RouteRow> routes = new LinkedHashMap<>();
    private final Map<String, List<GtfsFeed.Frequency>> frequencies = new HashMap<>();
    /** One shape per street, shared by the trips that run on it (as a shape_id is). */
    private final Map<List<double[]>, Polyline> shapes = new java.util.IdentityHashMap<>();

    /** The position {@code northMeters}, {@code eastMeters} from the centre. */
    static double[] at(double northMeters, double eastMeters) {
        return new double[] {LAT0 + northMeters / 111_320.0, LON0 + eastMeters / (111_320.0 * Math.cos(Math.toRadians(LAT0)))};
    }

    /** Great-circle metres, as the raw files would be measured by anyone. */
    static double haversine(double[] a, double[] b) {
        double r = 6_371_008.8, p1 = Math.toRadians(a[0]), p2 = Math.toRadians(b[0]);
        double dp = p2 - p1, dl = Math.toRadians(b[1] - a[1]);
        double h = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * r * Math.asin(Math.sqrt(h));
    }

    /** A street through the given corner points, densified every 50 m. */
    static List<double[]> street(double[]... corners) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i + 1 < corners.length; i++) {
            double[] a = corners[i], b = corners[i + 1];
            int steps = Math.max(1, (int) Math.ceil(haversine(a, b) / 50));
            for (int s = 0; s < steps; s++) {
                double f = (double) s / steps;
                out.add(new double[] {a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])});
            }
        }
        out.add(corners[corners.length - 1]);
        return out;
    }

    /** Cumulative metres along a street at each of its points. */
    static double[] cumulative(List<double[]> street) {
        double[] d = new double[street.size()];
        for (int i = 1; i < d.length; i++) d[i] = d[i - 1] + haversine(street.get(i - 1), street.get(i));
        return d;
    }

    /** The point {@code meters} along a street. */
    static double[] along(List<double[]> street, double meters) {
        double[] d = cumulative(street);
        int i = 1;
        while (i < d.length - 1 && d[i] < meters) i++;
        double f = d[i] == d[i - 1] ? 0 : (meters - d[i - 1]) / (d[i] - d[i - 1]);
        double[] a = street.get(i - 1), b = street.get(i);
        return new double[] {a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])};
    }

    SmallFeed route(String id, String shortName) {
        routes.put(id, new TransitQueries.RouteRow(id, "a", shortName, shortName, null, 3, null, null, null));
        return this;
    }

    /** A stop {@code meters} along a street. */
    SmallFeed stop(String id, String name, List<double[]> street, double meters) {
        double[] p = along(street, meters);
        stops.put(id, new Timetables.Stop(id, name, p[0], p[1]));
        return this;
    }

    /**
     * A trip over {@code street} calling at {@code stopIds} that lie {@code metersAlong} it, at GTFS times
     * {@code start + i * perStop} seconds of the service day.
     */
    SmallFeed trip(String id, String routeId, String headsign, List<double[]> street, String[] stopIds, double[] metersAlong,
            int start, int perStop) {
        int n = stopIds.length;
        int[] seq = new int[n], times = new int[n];
        for (int i = 0; i < n; i++) {
            seq[i] = i + 1;
            times[i] = start + i * perStop;
        }
        Polyline shape = shapes.computeIfAbsent(street, k -> new Polyline(k.stream().mapToDouble(p -> p[0]).toArray(),
                k.stream().mapToDouble(p -> p[1]).toArray()));
        trips.put(id, new Timetables.Trip(id, routeId, "ALL", headsign, stopIds.clone(), seq, times, times,
                metersAlong.clone(), shape, false));
        return this;
    }

    /** Makes a trip frequency-based: its times are a template repeated every {@code headway} s in [start, end). */
    SmallFeed frequency(String tripId, int start, int end, int headway) {
        Timetables.Trip t = trips.get(tripId);
        trips.put(tripId, new Timetables.Trip(t.tripId(), t.routeId(), t.serviceId(), t.headsign(), t.stopIds(),
                t.stopSequences(), t.arrivals(), t.departures(), t.distances(), t.shape(), true));
        frequencies.computeIfAbsent(tripId, k -> new ArrayList<>()).add(new GtfsFeed.Frequency(tripId, start, end, headway, 0));
        return this;
    }

    Timetables.Timetable build() {
        Map<String, List<Timetables.Visit>> visits = new HashMap<>();
        for (Timetables.Trip t : trips.values()) {
            for (int i = 0; i < t.stopIds().length; i++) {
                visits.computeIfAbsent(t.stopIds()[i], k -> new ArrayList<>()).add(new Timetables.Visit(t, i));
            }
        }
        var calendar = new ServiceCalendar(List.of(new GtfsFeed.Calendar("ALL", 0b1111111,
                LocalDate.of(2020, 1, 1), LocalDate.of(2035, 12, 31))), List.of());
        return new Timetables.Timetable(FEED, 1, ZONE, Map.copyOf(trips), visits, Map.copyOf(stops), Map.copyOf(routes),
                calendar, Map.copyOf(frequencies));
    }

    static Instant local(LocalDate day, int hour, int minute) {
        return day.atTime(hour, minute).atZone(ZONE).toInstant();
    }

    static LiveFeedProperties properties() {
        var realtime = new LiveFeedProperties.Realtime(true, Duration.ofSeconds(5), 2, Duration.ofMillis(500),
                DataSize.ofMegabytes(8), Duration.ofMinutes(5), Duration.ofMillis(500), Duration.ofMinutes(2), 10, 5,
                Duration.ofSeconds(30));
        return new LiveFeedProperties(List.of(), realtime);
    }

    static ArrivalBoards boards(Instant now) {
        return new ArrivalBoards(null, null, Clock.fixed(now, ZoneOffset.UTC), properties(),
                tools.jackson.databind.json.JsonMapper.builder().build());
    }

    static LiveSnapshot vehicles(Instant header, List<VehicleState> vs) {
        return new LiveSnapshot(FEED, FeedKind.VEHICLE_POSITIONS, header.getEpochSecond(), header, header, vs, List.of(), List.of());
    }

    static LiveSnapshot updates(Instant header, List<TripUpdateState> us) {
        return new LiveSnapshot(FEED, FeedKind.TRIP_UPDATES, header.getEpochSecond(), header, header, List.of(), us, List.of());
    }

    static LiveView view(@Nullable LiveSnapshot s, Instant now) {
        return s == null ? null : new LiveView(s, Duration.between(s.headerTimestamp(), now), false);
    }
}
