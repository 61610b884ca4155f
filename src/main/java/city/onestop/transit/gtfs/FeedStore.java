package city.onestop.transit.gtfs;

import city.onestop.platform.ProblemException;
import city.onestop.transit.schedule.GeoGrid;
import io.netty.buffer.ByteBuf;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

/**
 * Writes feed versions: bulk load with COPY into a version nobody reads, then one transaction makes it current.
 * The version it replaces stays readable (requests already holding it finish on it) until the next switch purges it.
 */
@Component
public class FeedStore {

    private final DatabaseClient db;
    private final ConnectionFactory connections;
    private final TransactionalOperator tx;
    private final ObjectMapper json;

    FeedStore(DatabaseClient db, ConnectionFactory connections, TransactionalOperator tx, ObjectMapper json) {
        this.db = db;
        this.connections = connections;
        this.tx = tx;
        this.json = json;
    }

    public record Source(@Nullable String url, @Nullable String etag, @Nullable String lastModified,
            @Nullable String sha256) {}

    public record ImportRecord(long importId, String feedId, @Nullable Long versionId, String trigger, String status,
            OffsetDateTime startedAt, @Nullable OffsetDateTime finishedAt, @Nullable Long durationMs,
            ImportReport.@Nullable Summary report, @Nullable String errorCode, @Nullable String errorDetail) {}

    public record FeedState(String feedId, @Nullable Long currentVersion, @Nullable String sourceUrl,
            @Nullable String etag, @Nullable String lastModified, @Nullable String sha256) {}

    // ---------------------------------------------------------------- imports

    /** Records a running import; a second concurrent import of the same feed (on any instance) gets 409. */
    public Mono<Long> startImport(String feedId, String trigger, Instant now) {
        return db.sql("insert into transit_feed (feed_id) values (:f) on conflict do nothing").bind("f", feedId).then()
                .then(db.sql("update transit_import set status = 'FAILED', finished_at = :now, error_code = 'ABANDONED', "
                                + "error_detail = 'the instance running this import stopped' "
                                + "where feed_id = :f and status = 'RUNNING' and started_at < :stale")
                        .bind("f", feedId).bind("now", at(now)).bind("stale", at(now.minusSeconds(3600))).then())
                .then(db.sql("insert into transit_import (feed_id, trigger, status, started_at) "
                                + "values (:f, :t, 'RUNNING', :now) returning import_id")
                        .bind("f", feedId).bind("t", trigger).bind("now", at(now))
                        .map(r -> r.get(0, Long.class)).one())
                .onErrorMap(DataIntegrityViolationException.class, e -> ProblemException.conflict(
                        "IMPORT_IN_PROGRESS", "An import of feed " + feedId + " is already running"));
    }

    public Mono<Void> finishImport(long importId, String status, @Nullable Long versionId,
            ImportReport.@Nullable Summary report, @Nullable String errorCode, @Nullable String errorDetail, Instant now) {
        var spec = db.sql("update transit_import set status = :s, version_id = :v, report = :r, error_code = :c, "
                        + "error_detail = :d, finished_at = :now, duration_ms = "
                        + "(extract(epoch from (:now - started_at)) * 1000)::bigint where import_id = :id")
                .bind("s", status).bind("now", at(now)).bind("id", importId);
        spec = versionId == null ? spec.bindNull("v", Long.class) : spec.bind("v", versionId);
        spec = report == null ? spec.bindNull("r", Json.class) : spec.bind("r", Json.of(json.writeValueAsString(report)));
        spec = errorCode == null ? spec.bindNull("c", String.class) : spec.bind("c", errorCode);
        spec = errorDetail == null ? spec.bindNull("d", String.class) : spec.bind("d", errorDetail);
        return spec.then();
    }

    public Flux<ImportRecord> history(String feedId, int limit, @Nullable Long before) {
        return db.sql("select * from transit_import where feed_id = :f and import_id < :b order by import_id desc limit :l")
                .bind("f", feedId).bind("b", before == null ? Long.MAX_VALUE : before).bind("l", limit)
                .map(r -> {
                    Json rep = r.get("report", Json.class);
                    return new ImportRecord(r.get("import_id", Long.class), feedId, r.get("version_id", Long.class),
                            r.get("trigger", String.class), r.get("status", String.class),
                            r.get("started_at", OffsetDateTime.class), r.get("finished_at", OffsetDateTime.class),
                            r.get("duration_ms", Long.class),
                            rep == null ? null : json.readValue(rep.asString(), ImportReport.Summary.class),
                            r.get("error_code", String.class), r.get("error_detail", String.class));
                })
                .all();
    }

    public Mono<FeedState> feed(String feedId) {
        return db.sql("select * from transit_feed where feed_id = :f").bind("f", feedId)
                .map(r -> new FeedState(feedId, r.get("current_version", Long.class), r.get("source_url", String.class),
                        r.get("source_etag", String.class), r.get("source_last_modified", String.class),
                        r.get("content_sha256", String.class)))
                .one();
    }

    /** Claims the periodic check of a feed for this instance unless another checked it within {@code everySeconds}. */
    public Mono<Boolean> claimCheck(String feedId, Instant now, long everySeconds) {
        return db.sql("insert into transit_feed (feed_id) values (:f) on conflict do nothing").bind("f", feedId).then()
                .then(db.sql("update transit_feed set checked_at = :now where feed_id = :f "
                                + "and (checked_at is null or checked_at <= :due)")
                        .bind("f", feedId).bind("now", at(now)).bind("due", at(now.minusSeconds(everySeconds - 1)))
                        .fetch().rowsUpdated())
                .map(n -> n > 0);
    }

    // ---------------------------------------------------------------- versions

    public Mono<Long> createVersion(String feedId, @Nullable String feedVersion, String timezone) {
        return db.sql("insert into transit_feed_version (feed_id, status, feed_version, timezone) "
                        + "values (:f, 'LOADING', :fv, :tz) returning version_id")
                .bind("f", feedId).bind("tz", timezone)
                .bind("fv", feedVersion == null ? "" : feedVersion)
                .map(r -> r.get(0, Long.class)).one();
    }

    /** Makes {@code version} current in one transaction; returns nothing, readers switch on their next request. */
    public Mono<Void> activate(String feedId, long version, Source source, Instant now) {
        var spec = db.sql("update transit_feed set current_version = :v, source_url = :u, source_etag = :e, "
                        + "source_last_modified = :lm, content_sha256 = :sha, updated_at = :now where feed_id = :f")
                .bind("v", version).bind("f", feedId).bind("now", at(now));
        spec = bindNullable(spec, "u", source.url());
        spec = bindNullable(spec, "e", source.etag());
        spec = bindNullable(spec, "lm", source.lastModified());
        spec = bindNullable(spec, "sha", source.sha256());
        Mono<Void> work = db.sql("select feed_id from transit_feed where feed_id = :f for update").bind("f", feedId).then()
                .then(db.sql("update transit_feed_version set status = 'RETIRED' where feed_id = :f and status = 'CURRENT'")
                        .bind("f", feedId).then())
                .then(db.sql("update transit_feed_version set status = 'CURRENT', activated_at = :now where version_id = :v")
                        .bind("v", version).bind("now", at(now)).then())
                .then(spec.then());
        return work.as(tx::transactional);
    }

    /** Records new source validators without loading anything (the source was unchanged). */
    public Mono<Void> touchSource(String feedId, Source source) {
        var spec = db.sql("update transit_feed set source_url = :u, source_etag = :e, source_last_modified = :lm "
                + "where feed_id = :f").bind("f", feedId);
        spec = bindNullable(spec, "u", source.url());
        spec = bindNullable(spec, "e", source.etag());
        spec = bindNullable(spec, "lm", source.lastModified());
        return spec.then();
    }

    private static DatabaseClient.GenericExecuteSpec bindNullable(DatabaseClient.GenericExecuteSpec s, String n,
            @Nullable String v) {
        return v == null ? s.bindNull(n, String.class) : s.bind(n, v);
    }

    /**
     * Deletes versions nobody may still read: failed ones, and retired ones except the most recent (requests that
     * resolved the previous version just before the switch finish on it). Returns the purged version ids.
     */
    public Flux<Long> purge(String feedId) {
        return db.sql("select version_id from transit_feed_version where feed_id = :f and (status in ('FAILED', 'LOADING') "
                        + "and created_at < now() - interval '1 hour' or status = 'FAILED' or (status = 'RETIRED' "
                        + "and version_id < (select max(version_id) from transit_feed_version where feed_id = :f and status = 'RETIRED')))")
                .bind("f", feedId).map(r -> r.get(0, Long.class)).all()
                .concatMap(v -> deleteVersion(v).thenReturn(v));
    }

    public Mono<Void> failVersion(long version) {
        return db.sql("update transit_feed_version set status = 'FAILED' where version_id = :v").bind("v", version).then()
                .then(deleteVersion(version).onErrorResume(e -> Mono.empty()));
    }

    private Mono<Void> deleteVersion(long v) {
        String part = "transit_stop_time_v" + v;
        // Detach without blocking readers of the parent table, then drop; a partition never attached is just dropped.
        Mono<Void> dropStopTimes = db.sql("alter table transit_stop_time detach partition " + part + " concurrently").then()
                .onErrorResume(e -> Mono.empty())
                .then(db.sql("drop table if exists " + part).then());
        return dropStopTimes.thenMany(Flux.fromIterable(List.of("transit_trip", "transit_pattern", "transit_stop",
                        "transit_route", "transit_agency", "transit_calendar", "transit_calendar_date",
                        "transit_frequency", "transit_shape"))
                .concatMap(t -> db.sql("delete from " + t + " where version_id = :v").bind("v", v).then()))
                .then(db.sql("delete from transit_feed_version where version_id = :v and status <> 'CURRENT'")
                        .bind("v", v).then());
    }

    // ---------------------------------------------------------------- bulk load

    /** Loads a parsed feed under {@code v} with COPY, two tables at a time. */
    public Mono<Void> load(long v, GtfsFeed feed, Patterns.Compiled compiled) {
        List<Mono<Long>> copies = new ArrayList<>();
        String part = "transit_stop_time_v" + v;
        copies.add(db.sql("create table " + part + " (like transit_stop_time including defaults, "
                        + "constraint " + part + "_version check (version_id = " + v + "))").then()
                .then(copy(part + " (version_id, trip_id, stop_sequence, stop_index, stop_id, arrival_seconds, "
                        + "departure_seconds, pickup_type, drop_off_type, stop_headsign, distance_meters)", stopTimes(v, feed, compiled)))
                .flatMap(n -> db.sql("alter table " + part + " add primary key (version_id, trip_id, stop_sequence)").then()
                        .then(db.sql("create index on " + part + " (version_id, stop_id, departure_seconds)").then())
                        .then(db.sql("alter table transit_stop_time attach partition " + part + " for values in (" + v + ")").then())
                        .thenReturn(n)));
        var a = feed.agencies();
        copies.add(copy("transit_agency (version_id, agency_id, name, url, timezone, lang, phone)", CopyData.rows(a.size(),
                (i, l) -> l.num(v).text(a.get(i).id()).text(a.get(i).name()).text(a.get(i).url()).text(a.get(i).timezone())
                        .text(a.get(i).lang()).text(a.get(i).phone()))));
        copies.add(copy("transit_stop (version_id, stop_id, code, name, lat, lon, cell, location_type, parent_station, "
                + "wheelchair_boarding, route_ids)", stops(v, feed, compiled)));
        var r = feed.routes();
        copies.add(copy("transit_route (version_id, route_id, agency_id, short_name, long_name, description, route_type, "
                + "color, text_color, sort_order)", CopyData.rows(r.size(), (i, l) -> l.num(v).text(r.get(i).id())
                .text(r.get(i).agencyId()).text(r.get(i).shortName()).text(r.get(i).longName()).text(r.get(i).description())
                .num(r.get(i).type()).text(r.get(i).color()).text(r.get(i).textColor()).num(r.get(i).sortOrder()))));
        var p = compiled.patterns();
        copies.add(copy("transit_pattern (version_id, pattern_id, route_id, direction_id, shape_id, headsign, stop_ids, "
                + "distances_meters, distance_source)", CopyData.rows(p.size(), (i, l) -> {
            var pattern = p.get(i);
            List<String> ids = new ArrayList<>();
            for (int s : pattern.stops()) ids.add(feed.stops().get(s).id());
            l.num(v).num(pattern.id()).text(pattern.routeId()).num(pattern.directionId()).text(pattern.shapeId())
                    .text(pattern.headsign()).texts(ids).doubles(pattern.distancesMeters()).text(pattern.distanceSource());
        })));
        var t = feed.trips();
        List<Integer> usedTrips = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) if (compiled.tripPattern()[i] >= 0) usedTrips.add(i);
        copies.add(copy("transit_trip (version_id, trip_id, route_id, service_id, pattern_id, headsign, short_name, "
                + "direction_id, block_id, shape_id, start_seconds)", CopyData.rows(usedTrips.size(), (k, l) -> {
            int i = usedTrips.get(k);
            var trip = t.get(i);
            l.num(v).text(trip.id()).text(trip.routeId()).text(trip.serviceId()).num(compiled.tripPattern()[i])
                    .text(trip.headsign()).text(trip.shortName()).num(trip.directionId()).text(trip.blockId())
                    .text(trip.shapeId()).num(compiled.tripStart()[i]);
        })));
        var c = feed.calendars();
        copies.add(copy("transit_calendar (version_id, service_id, weekdays, start_date, end_date)", CopyData.rows(c.size(),
                (i, l) -> l.num(v).text(c.get(i).serviceId()).num(c.get(i).weekdays())
                        .text(c.get(i).startDate().toString()).text(c.get(i).endDate().toString()))));
        var cd = dedupDates(feed.calendarDates());
        copies.add(copy("transit_calendar_date (version_id, service_id, date, exception_type)", CopyData.rows(cd.size(),
                (i, l) -> l.num(v).text(cd.get(i).serviceId()).text(cd.get(i).date().toString()).num(cd.get(i).exceptionType()))));
        var f = feed.frequencies();
        copies.add(copy("transit_frequency (version_id, trip_id, start_seconds, end_seconds, headway_seconds, exact_times)",
                CopyData.rows(f.size(), (i, l) -> l.num(v).text(f.get(i).tripId()).num(f.get(i).startSeconds())
                        .num(f.get(i).endSeconds()).num(f.get(i).headwaySeconds()).num(f.get(i).exactTimes()))));
        var shapes = new ArrayList<>(feed.shapes().values());
        copies.add(copy("transit_shape (version_id, shape_id, polyline, lats, lons, distances_meters)",
                CopyData.rows(shapes.size(), (i, l) -> {
                    var s = shapes.get(i);
                    var line = compiled.lines().get(s.id());
                    l.num(v).text(s.id()).text(city.onestop.transit.schedule.Polyline.encode(s.lats(), s.lons()))
                            .doubles(s.lats()).doubles(s.lons()).doubles(line.cumulative());
                })));
        return Flux.fromIterable(copies).flatMap(m -> m, 2).then();
    }

    private static List<GtfsFeed.CalendarDate> dedupDates(List<GtfsFeed.CalendarDate> dates) {
        var seen = new java.util.LinkedHashMap<String, GtfsFeed.CalendarDate>();
        dates.forEach(d -> seen.put(d.serviceId() + "\u0000" + d.date(), d));
        return new ArrayList<>(seen.values());
    }

    private static Flux<ByteBuf> stopTimes(long v, GtfsFeed feed, Patterns.Compiled compiled) {
        StopTimes st = feed.stopTimes();
        return CopyData.rows(st.size(), (i, l) -> l.num(v).text(feed.trips().get(st.trip(i)).id()).num(st.sequence(i))
                .num(compiled.rowStopIndex()[i]).text(feed.stops().get(st.stop(i)).id()).num(st.arrival(i))
                .num(st.departure(i)).num(st.pickup(i)).num(st.dropOff(i)).text(st.headsign(i))
                .dbl(Math.round(compiled.rowDistance()[i] * 10) / 10.0));
    }

    private static Flux<ByteBuf> stops(long v, GtfsFeed feed, Patterns.Compiled compiled) {
        List<Set<String>> routes = new ArrayList<>();
        for (int i = 0; i < feed.stops().size(); i++) routes.add(new LinkedHashSet<>());
        for (var p : compiled.patterns()) for (int s : p.stops()) routes.get(s).add(p.routeId());
        return CopyData.rows(feed.stops().size(), (i, l) -> {
            var s = feed.stops().get(i);
            boolean located = !Double.isNaN(s.lat());
            l.num(v).text(s.id()).text(s.code()).text(s.name()).dbl(s.lat()).dbl(s.lon());
            if (located) l.num(GeoGrid.cell(s.lat(), s.lon()));
            else l.text(null);
            l.num(s.locationType()).text(s.parentStation()).num(s.wheelchairBoarding())
                    .texts(routes.get(i).stream().sorted().toList());
        });
    }

    private Mono<Long> copy(String target, Flux<ByteBuf> data) {
        return Mono.usingWhen(Mono.from(connections.create()),
                c -> native_(c).copyIn("COPY " + target + " FROM STDIN", data),
                Connection::close);
    }

    private static PostgresqlConnection native_(Connection c) {
        Object current = c;
        while (!(current instanceof PostgresqlConnection) && current instanceof Wrapped<?> w) {
            current = w.unwrap();
        }
        if (current instanceof PostgresqlConnection pg) return pg;
        throw new IllegalStateException("COPY needs the PostgreSQL R2DBC driver, got " + c.getClass());
    }

    private static OffsetDateTime at(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
