package city.onestop.transit.gtfs;

import city.onestop.transit.gtfs.GtfsFeed.Agency;
import city.onestop.transit.gtfs.GtfsFeed.Calendar;
import city.onestop.transit.gtfs.GtfsFeed.CalendarDate;
import city.onestop.transit.gtfs.GtfsFeed.FeedInfo;
import city.onestop.transit.gtfs.GtfsFeed.Frequency;
import city.onestop.transit.gtfs.GtfsFeed.Route;
import city.onestop.transit.gtfs.GtfsFeed.Shape;
import city.onestop.transit.gtfs.GtfsFeed.Stop;
import city.onestop.transit.gtfs.GtfsFeed.Trip;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.jspecify.annotations.Nullable;

/**
 * A lean streaming reader for GTFS static zips. Blocking (file I/O, CPU): call it on {@code boundedElastic}.
 *
 * <p>Accepts what the GTFS reference allows and what real feeds do: a BOM, CRLF, quoted commas, fields with
 * surrounding spaces, one-digit hours, times past 24:00, empty optional columns, unknown columns and files.
 * Rejects the whole feed ({@link FeedRejected}) for a file that is not a zip, an unsafe entry name, more than
 * {@link Limits#maxUncompressedBytes()} uncompressed, a missing required file or column, or a file whose rows are
 * broken beyond {@link Limits#maxDroppedRowRatio()}. Below that ratio a row with a broken reference or an invalid
 * value is dropped and reported with its file and line.
 */
public final class GtfsReader {

    public record Limits(long maxUncompressedBytes, double maxDroppedRowRatio) {}

    public record Result(GtfsFeed feed, ImportReport report) {}

    private static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;
    private static final List<String> REQUIRED_FILES =
            List.of("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt");

    private final Limits limits;
    private final ImportReport report = new ImportReport();
    private long uncompressed;
    private final Map<String, String> interned = new HashMap<>();

    private GtfsReader(Limits limits) {
        this.limits = limits;
    }

    public static Result read(Path zip, Limits limits) {
        return new GtfsReader(limits).read(zip);
    }

    private Result read(Path path) {
        checkMagic(path);
        try (ZipFile zip = new ZipFile(path.toFile())) {
            Map<String, ZipEntry> files = index(zip);
            List<String> missing = new ArrayList<>();
            for (String f : REQUIRED_FILES) {
                if (!files.containsKey(f)) missing.add(f);
            }
            if (!files.containsKey("calendar.txt") && !files.containsKey("calendar_dates.txt")) {
                missing.add("calendar.txt or calendar_dates.txt");
            }
            if (!missing.isEmpty()) {
                throw new FeedRejected("GTFS_MISSING_FILE", "The feed lacks required file(s): " + String.join(", ", missing));
            }
            return parse(zip, files);
        } catch (ZipException e) {
            throw new FeedRejected("NOT_A_ZIP", "The feed is not a readable zip archive: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkMagic(Path path) {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(path)) {
            int n = in.readNBytes(head, 0, 4);
            if (n < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
                throw new FeedRejected("NOT_A_ZIP", "The feed is not a zip archive (it does not start with a zip header)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, ZipEntry> index(ZipFile zip) {
        Map<String, ZipEntry> byName = new HashMap<>();
        long declared = 0;
        var entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry e = entries.nextElement();
            String name = e.getName().replace('\\', '/');
            if (name.startsWith("/") || name.matches("^[A-Za-z]:.*") || Arrays.asList(name.split("/")).contains("..")) {
                throw new FeedRejected("UNSAFE_ZIP_ENTRY", "The zip contains an entry with an unsafe path: '" + e.getName() + "'");
            }
            if (e.isDirectory()) continue;
            if (e.getSize() > 0) declared += e.getSize();
            String base = name.substring(name.lastIndexOf('/') + 1);
            boolean root = name.indexOf('/') < 0;
            // Some publishers zip a folder: accept files one level down unless the root has the same name.
            if (root || !byName.containsKey(base)) byName.put(base, e);
        }
        if (declared > limits.maxUncompressedBytes()) {
            throw tooLarge();
        }
        return byName;
    }

    private FeedRejected tooLarge() {
        return new FeedRejected("ZIP_TOO_LARGE", "The feed unpacks to more than " + limits.maxUncompressedBytes()
                + " bytes (onestop.transit.max-uncompressed-size)");
    }

    // ---------------------------------------------------------------- files

    private Result parse(ZipFile zip, Map<String, ZipEntry> files) throws IOException {
        List<Agency> agencies = readAgencies(zip, files);
        List<Stop> stops = new ArrayList<>();
        Map<String, Integer> stopIndex = new HashMap<>();
        readStops(zip, files, stops, stopIndex);
        Set<String> agencyIds = new HashSet<>();
        agencies.forEach(a -> agencyIds.add(a.id()));
        List<Route> routes = readRoutes(zip, files, agencyIds);
        List<Calendar> calendars = new ArrayList<>();
        List<CalendarDate> calendarDates = new ArrayList<>();
        readCalendars(zip, files, calendars, calendarDates);
        Map<String, Shape> shapes = readShapes(zip, files);
        Set<String> services = new HashSet<>();
        calendars.forEach(c -> services.add(c.serviceId()));
        calendarDates.forEach(c -> services.add(c.serviceId()));
        Set<String> routeIds = new HashSet<>();
        routes.forEach(r -> routeIds.add(r.id()));
        List<Trip> trips = new ArrayList<>();
        Map<String, Integer> tripIndex = new HashMap<>();
        readTrips(zip, files, routeIds, services, shapes.keySet(), trips, tripIndex);
        StopTimes stopTimes = readStopTimes(zip, files, tripIndex, stopIndex);
        List<Frequency> frequencies = readFrequencies(zip, files, tripIndex);
        FeedInfo feedInfo = readFeedInfo(zip, files);
        report.count("agencies", agencies.size());
        report.count("stops", stops.size());
        report.count("routes", routes.size());
        report.count("trips", trips.size());
        report.count("stopTimes", stopTimes.size());
        report.count("calendars", calendars.size());
        report.count("calendarDates", calendarDates.size());
        report.count("frequencies", frequencies.size());
        report.count("shapes", shapes.size());
        report.count("shapePoints", shapes.values().stream().mapToInt(s -> s.lats().length).sum());
        var feed = new GtfsFeed(agencies, stops, routes, trips, stopTimes, calendars, calendarDates, frequencies,
                shapes, feedInfo);
        return new Result(feed, report);
    }

    private List<Agency> readAgencies(ZipFile zip, Map<String, ZipEntry> files) throws IOException {
        List<Agency> out = new ArrayList<>();
        Set<String> zones = new HashSet<>();
        read(zip, files, "agency.txt", List.of("agency_name", "agency_timezone"), (t, r) -> {
            String tz = t.v(r, "agency_timezone");
            try {
                ZoneId.of(tz);
            } catch (DateTimeException e) {
                throw new FeedRejected("GTFS_INVALID_TIMEZONE",
                        "agency.txt:" + r.getStartingLineNumber() + ": agency_timezone '" + tz + "' is not a time zone");
            }
            zones.add(tz);
            out.add(new Agency(t.v(r, "agency_id"), t.v(r, "agency_name"), t.opt(r, "agency_url"), tz,
                    t.opt(r, "agency_lang"), t.opt(r, "agency_phone")));
        });
        if (out.isEmpty()) {
            throw new FeedRejected("GTFS_NO_AGENCY", "agency.txt has no agency");
        }
        if (zones.size() > 1) {
            report.warn("agency.txt", 0, "agencies disagree on agency_timezone " + zones + "; using " + out.get(0).timezone());
        }
        return out;
    }

    private void readStops(ZipFile zip, Map<String, ZipEntry> files, List<Stop> stops, Map<String, Integer> index)
            throws IOException {
        read(zip, files, "stops.txt", List.of("stop_id", "stop_lat", "stop_lon"), (t, r) -> {
            String id = t.v(r, "stop_id");
            int type = t.intOr(r, "location_type", 0);
            String latRaw = t.v(r, "stop_lat"), lonRaw = t.v(r, "stop_lon");
            double lat, lon;
            if (latRaw.isEmpty() && lonRaw.isEmpty() && type >= 3) {
                lat = Double.NaN;
                lon = Double.NaN;
            } else {
                lat = Double.parseDouble(latRaw);
                lon = Double.parseDouble(lonRaw);
                if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) || (lat == 0 && lon == 0)) {
                    throw new IllegalArgumentException("stop_lat/stop_lon " + latRaw + "," + lonRaw + " is not a position");
                }
            }
            if (id.isEmpty()) throw new IllegalArgumentException("stop_id is empty");
            if (index.containsKey(id)) throw new IllegalArgumentException("stop_id '" + id + "' is a duplicate");
            index.put(id, stops.size());
            Integer wheelchair = t.intOrNull(r, "wheelchair_boarding");
            stops.add(new Stop(intern(id), t.opt(r, "stop_code"), t.opt(r, "stop_name"), lat, lon, type,
                    t.opt(r, "parent_station"), wheelchair));
        });
    }

    private List<Route> readRoutes(ZipFile zip, Map<String, ZipEntry> files, Set<String> agencyIds) throws IOException {
        List<Route> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        read(zip, files, "routes.txt", List.of("route_id", "route_type"), (t, r) -> {
            String id = t.v(r, "route_id");
            if (id.isEmpty()) throw new IllegalArgumentException("route_id is empty");
            if (!seen.add(id)) throw new IllegalArgumentException("route_id '" + id + "' is a duplicate");
            String agency = t.opt(r, "agency_id");
            if (agency != null && !agencyIds.contains(agency)) {
                throw new IllegalArgumentException("agency_id '" + agency + "' is not in agency.txt");
            }
            int type = Integer.parseInt(t.v(r, "route_type"));
            out.add(new Route(intern(id), agency, t.opt(r, "route_short_name"), t.opt(r, "route_long_name"),
                    t.opt(r, "route_desc"), type, t.opt(r, "route_color"), t.opt(r, "route_text_color"),
                    t.intOrNull(r, "route_sort_order")));
        });
        return out;
    }

    private void readCalendars(ZipFile zip, Map<String, ZipEntry> files, List<Calendar> calendars,
            List<CalendarDate> dates) throws IOException {
        String[] days = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
        if (files.containsKey("calendar.txt")) {
            List<String> cols = new ArrayList<>(List.of("service_id", "start_date", "end_date"));
            cols.addAll(List.of(days));
            read(zip, files, "calendar.txt", cols, (t, r) -> {
                int mask = 0;
                for (int d = 0; d < 7; d++) {
                    String v = t.v(r, days[d]);
                    if (v.equals("1")) mask |= 1 << d;
                    else if (!v.equals("0")) throw new IllegalArgumentException(days[d] + " '" + v + "' is not 0 or 1");
                }
                calendars.add(new Calendar(intern(t.v(r, "service_id")), mask, date(t.v(r, "start_date")),
                        date(t.v(r, "end_date"))));
            });
        }
        if (files.containsKey("calendar_dates.txt")) {
            read(zip, files, "calendar_dates.txt", List.of("service_id", "date", "exception_type"), (t, r) -> {
                int type = Integer.parseInt(t.v(r, "exception_type"));
                if (type != 1 && type != 2) throw new IllegalArgumentException("exception_type '" + type + "' is not 1 or 2");
                dates.add(new CalendarDate(intern(t.v(r, "service_id")), date(t.v(r, "date")), type));
            });
        }
    }

    private static LocalDate date(String raw) {
        try {
            return LocalDate.parse(raw, DATE);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + raw + "' is not a date (YYYYMMDD)");
        }
    }

    private Map<String, Shape> readShapes(ZipFile zip, Map<String, ZipEntry> files) throws IOException {
        if (!files.containsKey("shapes.txt")) return Map.of();
        record Pt(int seq, double lat, double lon, double dist) {}
        Map<String, List<Pt>> points = new HashMap<>();
        read(zip, files, "shapes.txt", List.of("shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"), (t, r) -> {
            double lat = Double.parseDouble(t.v(r, "shape_pt_lat"));
            double lon = Double.parseDouble(t.v(r, "shape_pt_lon"));
            if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) {
                throw new IllegalArgumentException("shape point " + lat + "," + lon + " is not a position");
            }
            String d = t.v(r, "shape_dist_traveled");
            points.computeIfAbsent(intern(t.v(r, "shape_id")), k -> new ArrayList<>())
                    .add(new Pt(Integer.parseInt(t.v(r, "shape_pt_sequence")), lat, lon,
                            d.isEmpty() ? Double.NaN : Double.parseDouble(d)));
        });
        Map<String, Shape> shapes = new HashMap<>();
        points.forEach((id, pts) -> {
            pts.sort((a, b) -> Integer.compare(a.seq(), b.seq()));
            int n = pts.size();
            double[] lats = new double[n], lons = new double[n], dist = new double[n];
            for (int i = 0; i < n; i++) {
                lats[i] = pts.get(i).lat();
                lons[i] = pts.get(i).lon();
                dist[i] = pts.get(i).dist();
            }
            if (n < 2) {
                report.warn("shapes.txt", 0, "shape '" + id + "' has fewer than 2 points; trips on it use straight lines");
            } else {
                shapes.put(id, new Shape(id, lats, lons, dist));
            }
        });
        return shapes;
    }

    private void readTrips(ZipFile zip, Map<String, ZipEntry> files, Set<String> routeIds, Set<String> services,
            Set<String> shapeIds, List<Trip> trips, Map<String, Integer> index) throws IOException {
        read(zip, files, "trips.txt", List.of("route_id", "service_id", "trip_id"), (t, r) -> {
            String id = t.v(r, "trip_id");
            String route = t.v(r, "route_id");
            String service = t.v(r, "service_id");
            if (id.isEmpty()) throw new IllegalArgumentException("trip_id is empty");
            if (index.containsKey(id)) throw new IllegalArgumentException("trip_id '" + id + "' is a duplicate");
            if (!routeIds.contains(route)) throw new IllegalArgumentException("route_id '" + route + "' is not in routes.txt");
            if (!services.contains(service)) {
                throw new IllegalArgumentException("service_id '" + service + "' is in neither calendar.txt nor calendar_dates.txt");
            }
            String shape = t.opt(r, "shape_id");
            if (shape != null && !shapeIds.contains(shape)) {
                report.warn("trips.txt", r.getStartingLineNumber(), "shape_id '" + shape + "' is not in shapes.txt; using straight lines");
                shape = null;
            }
            index.put(id, trips.size());
            trips.add(new Trip(intern(id), intern(route), intern(service), t.opt(r, "trip_headsign"),
                    t.opt(r, "trip_short_name"), t.intOrNull(r, "direction_id"), t.opt(r, "block_id"),
                    shape == null ? null : intern(shape)));
        });
    }

    private StopTimes readStopTimes(ZipFile zip, Map<String, ZipEntry> files, Map<String, Integer> tripIndex,
            Map<String, Integer> stopIndex) throws IOException {
        StopTimes st = new StopTimes();
        read(zip, files, "stop_times.txt",
                List.of("trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time"), (t, r) -> {
            String tripId = t.v(r, "trip_id");
            Integer trip = tripIndex.get(tripId);
            if (trip == null) throw new IllegalArgumentException("trip_id '" + tripId + "' is not in trips.txt");
            String stopId = t.v(r, "stop_id");
            Integer stop = stopIndex.get(stopId);
            if (stop == null) throw new IllegalArgumentException("stop_id '" + stopId + "' is not in stops.txt");
            int seq = Integer.parseInt(t.v(r, "stop_sequence"));
            int arr = GtfsTime.parse(t.v(r, "arrival_time"));
            int dep = GtfsTime.parse(t.v(r, "departure_time"));
            if (arr == GtfsTime.MISSING) arr = dep;
            if (dep == GtfsTime.MISSING) dep = arr;
            String d = t.v(r, "shape_dist_traveled");
            st.add(trip, seq, stop, arr, dep, d.isEmpty() ? Double.NaN : Double.parseDouble(d),
                    t.intOr(r, "pickup_type", 0), t.intOr(r, "drop_off_type", 0), t.opt(r, "stop_headsign"));
        });
        st.sort();
        String[] tripIds = new String[tripIndex.size()];
        tripIndex.forEach((id, i) -> tripIds[i] = id);
        interpolateTimes(st, tripIds);
        return st;
    }

    /** GTFS lets non-timepoint stops leave both times empty: spread the time between the surrounding timepoints. */
    private void interpolateTimes(StopTimes st, String[] tripIds) {
        int i = 0;
        while (i < st.size()) {
            int end = i;
            while (end < st.size() && st.trip(end) == st.trip(i)) end++;
            int prev = -1;
            for (int k = i; k < end; k++) {
                if (st.departure(k) == GtfsTime.MISSING) continue;
                if (prev >= 0 && k - prev > 1) {
                    for (int m = prev + 1; m < k; m++) {
                        int time = st.departure(prev) + (st.arrival(k) - st.departure(prev)) * (m - prev) / (k - prev);
                        st.setTimes(m, time, time);
                        report.interpolated();
                    }
                }
                prev = k;
            }
            // Leading or trailing stops without any time cannot be placed in time: GTFS requires them.
            for (int k = i; k < end; k++) {
                if (st.departure(k) == GtfsTime.MISSING) {
                    throw new FeedRejected("GTFS_MISSING_TIMES", "stop_times.txt: the first and last stop of trip '" + tripIds[st.trip(k)]
                            + "' must have arrival_time and departure_time");
                }
            }
            i = end;
        }
    }

    private List<Frequency> readFrequencies(ZipFile zip, Map<String, ZipEntry> files, Map<String, Integer> tripIndex)
            throws IOException {
        List<Frequency> out = new ArrayList<>();
        if (!files.containsKey("frequencies.txt")) return out;
        read(zip, files, "frequencies.txt", List.of("trip_id", "start_time", "end_time", "headway_secs"), (t, r) -> {
            String trip = t.v(r, "trip_id");
            if (!tripIndex.containsKey(trip)) throw new IllegalArgumentException("trip_id '" + trip + "' is not in trips.txt");
            int start = GtfsTime.parse(t.v(r, "start_time")), end = GtfsTime.parse(t.v(r, "end_time"));
            int headway = Integer.parseInt(t.v(r, "headway_secs"));
            if (start < 0 || end <= start || headway <= 0) {
                throw new IllegalArgumentException("start_time/end_time/headway_secs do not describe a period");
            }
            out.add(new Frequency(intern(trip), start, end, headway, t.intOr(r, "exact_times", 0)));
        });
        return out;
    }

    private @Nullable FeedInfo readFeedInfo(ZipFile zip, Map<String, ZipEntry> files) throws IOException {
        if (!files.containsKey("feed_info.txt")) return null;
        List<FeedInfo> out = new ArrayList<>();
        read(zip, files, "feed_info.txt", List.of(), (t, r) -> out.add(
                new FeedInfo(t.opt(r, "feed_publisher_name"), t.opt(r, "feed_version"), t.opt(r, "feed_lang"))));
        return out.isEmpty() ? null : out.get(0);
    }

    // ---------------------------------------------------------------- CSV plumbing

    private interface RowHandler {
        void row(Table t, CsvRecord r);
    }

    private static final class Table {
        final Map<String, Integer> columns = new HashMap<>();

        int col(String name) {
            return columns.getOrDefault(name, -1);
        }

        String v(CsvRecord r, String name) {
            int i = col(name);
            return i < 0 || i >= r.getFieldCount() ? "" : r.getField(i).strip();
        }

        @Nullable String opt(CsvRecord r, String name) {
            String v = v(r, name);
            return v.isEmpty() ? null : v;
        }

        int intOr(CsvRecord r, String name, int dflt) {
            String v = v(r, name);
            return v.isEmpty() ? dflt : Integer.parseInt(v);
        }

        @Nullable Integer intOrNull(CsvRecord r, String name) {
            String v = v(r, name);
            return v.isEmpty() ? null : Integer.parseInt(v);
        }
    }

    private void read(ZipFile zip, Map<String, ZipEntry> files, String file, List<String> required, RowHandler handler)
            throws IOException {
        ZipEntry entry = files.get(file);
        if (entry == null) return;
        int rows = 0;
        try (InputStream in = new Counting(zip.getInputStream(entry));
                CsvReader<CsvRecord> csv = CsvReader.builder()
                        .ignoreDifferentFieldCount(true)
                        .skipEmptyLines(true)
                        .acceptCharsAfterQuotes(true)
                        .ofCsvRecord(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            var it = csv.iterator();
            if (!it.hasNext()) {
                throw new FeedRejected("GTFS_MISSING_COLUMN", file + " is empty: it has no header row");
            }
            Table table = new Table();
            List<String> header = it.next().getFields();
            for (int i = 0; i < header.size(); i++) {
                String name = header.get(i).replace("\uFEFF", "").strip();
                table.columns.putIfAbsent(name, i);
            }
            List<String> missing = required.stream().filter(c -> !table.columns.containsKey(c)).toList();
            if (!missing.isEmpty()) {
                throw new FeedRejected("GTFS_MISSING_COLUMN", file + " lacks required column(s): " + String.join(", ", missing));
            }
            while (it.hasNext()) {
                CsvRecord r = it.next();
                if (r.getFields().stream().allMatch(String::isBlank)) continue;
                rows++;
                try {
                    handler.row(table, r);
                } catch (NumberFormatException e) {
                    report.dropped(file, r.getStartingLineNumber(), "invalid number: " + e.getMessage());
                } catch (IllegalArgumentException e) {
                    report.dropped(file, r.getStartingLineNumber(), e.getMessage());
                }
            }
        } catch (CsvParseException e) {
            throw new FeedRejected("GTFS_MALFORMED_CSV", file + ": " + e.getMessage());
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof ZipException z) {
                throw new FeedRejected("NOT_A_ZIP", file + " cannot be unpacked: " + z.getMessage());
            }
            throw e;
        } catch (ZipException e) {
            throw new FeedRejected("NOT_A_ZIP", file + " cannot be unpacked: " + e.getMessage());
        }
        int dropped = report.droppedIn(file);
        if (dropped > 0 && dropped > rows * limits.maxDroppedRowRatio()) {
            var first = report.firstWarningIn(file);
            throw new FeedRejected("GTFS_BROKEN_ROWS", file + ": " + dropped + " of " + rows
                    + " rows are broken, more than the " + limits.maxDroppedRowRatio() * 100
                    + "% allowed (onestop.transit.max-dropped-row-ratio); first: " + first);
        }
    }

    private String intern(String s) {
        String prior = interned.putIfAbsent(s, s);
        return prior == null ? s : prior;
    }

    /** Counts bytes as they are inflated: declared sizes in a zip can lie, the inflater cannot. */
    private final class Counting extends FilterInputStream {
        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) add(1);
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) add(n);
            return n;
        }

        private void add(long n) {
            uncompressed += n;
            if (uncompressed > limits.maxUncompressedBytes()) throw tooLarge();
        }
    }
}
