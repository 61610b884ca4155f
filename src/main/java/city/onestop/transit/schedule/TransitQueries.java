package city.onestop.transit.schedule;

import city.onestop.transit.gtfs.GtfsFeed;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads of one feed version. Every method takes the version the caller resolved once for its whole request. */
@Component
public class TransitQueries {

    public record StopRow(String stopId, @Nullable String code, @Nullable String name, double lat, double lon,
            int locationType, @Nullable String parentStation, @Nullable Integer wheelchairBoarding, List<String> routeIds) {}

    public record RouteRow(String routeId, @Nullable String agencyId, @Nullable String shortName,
            @Nullable String longName, @Nullable String description, int type, @Nullable String color,
            @Nullable String textColor, @Nullable Integer sortOrder) {}

    public record PatternRow(int patternId, String routeId, @Nullable Integer directionId, @Nullable String shapeId,
            @Nullable String headsign, List<String> stopIds, double[] distancesMeters, String distanceSource) {}

    public record ShapeRow(String shapeId, String polyline, double[] lats, double[] lons, double[] distancesMeters) {}

    public record StopTimeRow(String tripId, String routeId, String serviceId, @Nullable String headsign,
            int stopSequence, int stopIndex, int arrivalSeconds, int departureSeconds, int tripStartSeconds,
            double distanceMeters) {}

    /**
     * Small and immutable per version, read on every request: kept in memory per version. {@code stopsByCell} is the
     * nearby-stops index (GeoGrid cells; 20,000 stops take a few MB).
     */
    public record VersionData(Map<String, RouteRow> routes, ServiceCalendar calendar,
            Map<String, List<GtfsFeed.Frequency>> frequencies, Map<Long, List<StopRow>> stopsByCell) {

        public List<StopRow> stopsIn(List<Long> cells) {
            List<StopRow> out = new ArrayList<>();
            for (Long c : cells) out.addAll(stopsByCell.getOrDefault(c, List.of()));
            return out;
        }
    }

    private final DatabaseClient db;
    private final Map<Long, Mono<VersionData>> versionData = new ConcurrentHashMap<>();

    TransitQueries(DatabaseClient db) {
        this.db = db;
    }

    public Mono<StopRow> findStop(long v, String stopId) {
        return db.sql("select * from transit_stop where version_id = :v and stop_id = :id")
                .bind("v", v).bind("id", stopId).map((r, m) -> stop(r)).one();
    }

    public Flux<StopRow> findStops(long v, List<String> stopIds) {
        return db.sql("select * from transit_stop where version_id = :v and stop_id = any(:ids)")
                .bind("v", v).bind("ids", stopIds.toArray(String[]::new)).map((r, m) -> stop(r)).all();
    }

    private static StopRow stop(io.r2dbc.spi.Readable r) {
        Double lat = r.get("lat", Double.class), lon = r.get("lon", Double.class);
        Short type = r.get("location_type", Short.class);
        Short wheelchair = r.get("wheelchair_boarding", Short.class);
        String[] routes = r.get("route_ids", String[].class);
        return new StopRow(r.get("stop_id", String.class), r.get("code", String.class), r.get("name", String.class),
                lat == null ? Double.NaN : lat, lon == null ? Double.NaN : lon, type == null ? 0 : type,
                r.get("parent_station", String.class), wheelchair == null ? null : wheelchair.intValue(),
                routes == null ? List.of() : List.of(routes));
    }

    public Flux<RouteRow> listRoutes(long v) {
        return db.sql("select * from transit_route where version_id = :v order by sort_order nulls last, route_id")
                .bind("v", v)
                .map((r, m) -> new RouteRow(r.get("route_id", String.class), r.get("agency_id", String.class),
                        r.get("short_name", String.class), r.get("long_name", String.class),
                        r.get("description", String.class), r.get("route_type", Integer.class),
                        r.get("color", String.class), r.get("text_color", String.class), r.get("sort_order", Integer.class)))
                .all();
    }

    public Flux<PatternRow> findPatterns(long v, String routeId) {
        return db.sql("select * from transit_pattern where version_id = :v and route_id = :r order by direction_id nulls first, pattern_id")
                .bind("v", v).bind("r", routeId)
                .map((r, m) -> {
                    Short dir = r.get("direction_id", Short.class);
                    return new PatternRow(r.get("pattern_id", Integer.class), routeId, dir == null ? null : dir.intValue(),
                            r.get("shape_id", String.class), r.get("headsign", String.class),
                            List.of(r.get("stop_ids", String[].class)), doubles(r.get("distances_meters", Double[].class)),
                            r.get("distance_source", String.class));
                })
                .all();
    }

    /** How many trips use each pattern of a route: the main pattern of a direction is the busiest. */
    public Mono<Map<Integer, Long>> tripCounts(long v, String routeId) {
        return db.sql("select pattern_id, count(*) n from transit_trip where version_id = :v and route_id = :r group by pattern_id")
                .bind("v", v).bind("r", routeId)
                .map((r, m) -> Map.entry(r.get("pattern_id", Integer.class), r.get("n", Long.class)))
                .all().collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    public Mono<ShapeRow> findShape(long v, String shapeId) {
        return db.sql("select * from transit_shape where version_id = :v and shape_id = :s").bind("v", v).bind("s", shapeId)
                .map((r, m) -> new ShapeRow(shapeId, r.get("polyline", String.class), doubles(r.get("lats", Double[].class)),
                        doubles(r.get("lons", Double[].class)), doubles(r.get("distances_meters", Double[].class))))
                .one();
    }

    public Flux<StopTimeRow> stopTimesAt(long v, String stopId) {
        return db.sql("select st.trip_id, t.route_id, t.service_id, coalesce(st.stop_headsign, t.headsign) headsign, "
                        + "st.stop_sequence, st.stop_index, st.arrival_seconds, st.departure_seconds, t.start_seconds, "
                        + "st.distance_meters from transit_stop_time st join transit_trip t "
                        + "on t.version_id = st.version_id and t.trip_id = st.trip_id "
                        + "where st.version_id = :v and st.stop_id = :s order by st.departure_seconds, st.trip_id")
                .bind("v", v).bind("s", stopId)
                .map((r, m) -> new StopTimeRow(r.get("trip_id", String.class), r.get("route_id", String.class),
                        r.get("service_id", String.class), r.get("headsign", String.class),
                        r.get("stop_sequence", Integer.class), r.get("stop_index", Integer.class),
                        r.get("arrival_seconds", Integer.class), r.get("departure_seconds", Integer.class),
                        r.get("start_seconds", Integer.class), r.get("distance_meters", Double.class)))
                .all();
    }

    public Mono<VersionData> versionData(long v) {
        return versionData.computeIfAbsent(v, k -> loadVersionData(k).timeout(Timetables.LOAD_TIMEOUT).cache()).onErrorResume(e -> {
            versionData.remove(v);
            return Mono.error(e);
        });
    }

    /** Drops the version data of every version not in {@code current}: part of {@link Timetables#evictSuperseded}. */
    void retain(java.util.Set<Long> current) {
        versionData.keySet().retainAll(current);
    }

    private Mono<VersionData> loadVersionData(long v) {
        Mono<Map<String, RouteRow>> routes = listRoutes(v).collectMap(RouteRow::routeId, r -> r);
        Mono<List<GtfsFeed.Calendar>> cals = db.sql("select * from transit_calendar where version_id = :v").bind("v", v)
                .map((r, m) -> new GtfsFeed.Calendar(r.get("service_id", String.class), r.get("weekdays", Short.class),
                        r.get("start_date", LocalDate.class), r.get("end_date", LocalDate.class)))
                .all().collectList();
        Mono<List<GtfsFeed.CalendarDate>> dates = db.sql("select * from transit_calendar_date where version_id = :v")
                .bind("v", v)
                .map((r, m) -> new GtfsFeed.CalendarDate(r.get("service_id", String.class), r.get("date", LocalDate.class),
                        r.get("exception_type", Short.class)))
                .all().collectList();
        Mono<Map<String, List<GtfsFeed.Frequency>>> freqs = db.sql("select * from transit_frequency where version_id = :v")
                .bind("v", v)
                .map((r, m) -> new GtfsFeed.Frequency(r.get("trip_id", String.class), r.get("start_seconds", Integer.class),
                        r.get("end_seconds", Integer.class), r.get("headway_seconds", Integer.class),
                        r.get("exact_times", Short.class)))
                .all()
                .collect(HashMap<String, List<GtfsFeed.Frequency>>::new,
                        (map, f) -> map.computeIfAbsent(f.tripId(), k -> new ArrayList<>()).add(f))
                .map(m -> (Map<String, List<GtfsFeed.Frequency>>) m);
        Mono<Map<Long, List<StopRow>>> grid = db.sql("select * from transit_stop where version_id = :v and cell is not null")
                .bind("v", v).map((r, m) -> stop(r)).all()
                .collect(HashMap<Long, List<StopRow>>::new,
                        (map, s) -> map.computeIfAbsent(GeoGrid.cell(s.lat(), s.lon()), k -> new ArrayList<>()).add(s))
                .map(m -> (Map<Long, List<StopRow>>) m);
        return Mono.zip(routes, cals, dates, freqs, grid)
                .map(t -> new VersionData(Map.copyOf(t.getT1()), new ServiceCalendar(t.getT2(), t.getT3()), t.getT4(),
                        t.getT5()));
    }

    private static double[] doubles(Double @Nullable [] boxed) {
        return boxed == null ? new double[0] : Arrays.stream(boxed).mapToDouble(Double::doubleValue).toArray();
    }
}
