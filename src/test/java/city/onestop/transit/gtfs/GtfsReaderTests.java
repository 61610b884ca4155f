package city.onestop.transit.gtfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real feeds are messy: what the GTFS reference allows must load. */
class GtfsReaderTests {

    static final GtfsReader.Limits LIMITS = new GtfsReader.Limits(10_000_000, 0.01);

    @TempDir
    Path dir;

    static Map<String, String> messy() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("agency.txt", "\uFEFFagency_id,agency_name,agency_url,agency_timezone,extra_column\r\n"
                + "A,\"Transit, Inc.\",http://x,America/Halifax,whatever\r\n");
        f.put("stops.txt", "stop_id,stop_name,stop_lat,stop_lon,stop_code\r\n"
                + "S1,\"Main St, North\",44.6500,-63.5800,\r\n"
                + " S2 , Second ,44.6510,-63.5810,\r\n"
                + "S3,Third,44.6520,-63.5820,\r\n");
        f.put("routes.txt", "route_id,agency_id,route_short_name,route_long_name,route_type\r\nR1,A,1,,3\r\n");
        f.put("trips.txt", "route_id,service_id,trip_id,shape_id\r\nR1,WD,T1,\r\nR1,WD,T2,\r\n");
        f.put("stop_times.txt", "trip_id,arrival_time,departure_time,stop_id,stop_sequence,timepoint\r\n"
                + "T1, 5:49:00, 5:49:00,S1,1,1\r\n"
                + "T1,,,S2,2,0\r\n"
                + "T1, 5:59:00, 5:59:00,S3,3,1\r\n"
                + "T2,25:50:00,25:50:00,S1,1,1\r\n"
                + "T2,26:01:00,26:01:00,S3,2,1\r\n");
        f.put("calendar.txt", "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\r\n"
                + "WD,1,1,1,1,1,0,0,20250101,20251231\r\n");
        f.put("notes/readme.md", "unknown files are ignored");
        f.put("fare_rules.txt", "fare_id\r\nF\r\n");
        return f;
    }

    Path zip(Map<String, String> files) throws Exception {
        Path p = Files.createTempFile(dir, "feed", ".zip");
        try (var out = new ZipOutputStream(Files.newOutputStream(p))) {
            for (var e : files.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return p;
    }

    @Test
    void loadsAMessyButValidFeed() throws Exception {
        var result = GtfsReader.read(zip(messy()), LIMITS);
        var feed = result.feed();
        assertThat(feed.agencies().get(0).name()).isEqualTo("Transit, Inc.");
        assertThat(feed.stops()).extracting(GtfsFeed.Stop::id).containsExactly("S1", "S2", "S3");
        assertThat(feed.stops().get(0).name()).isEqualTo("Main St, North");
        assertThat(feed.stops().get(1).name()).isEqualTo("Second");
        assertThat(feed.stops().get(0).code()).isNull();
        var st = feed.stopTimes();
        assertThat(st.size()).isEqualTo(5);
        assertThat(st.departure(0)).isEqualTo(5 * 3600 + 49 * 60);
        assertThat(st.departure(1)).as("interpolated non-timepoint").isEqualTo(5 * 3600 + 54 * 60);
        assertThat(st.departure(4)).isEqualTo(26 * 3600 + 60);
        assertThat(result.report().summary().droppedRows()).isEmpty();
        assertThat(result.report().summary().interpolatedStopTimes()).isEqualTo(1);
    }

    @Test
    void dropsARowWithABrokenReferenceUnderTheThreshold() throws Exception {
        var files = messy();
        var big = new StringBuilder(files.get("stop_times.txt"));
        for (int i = 0; i < 200; i++) big.append("T2,26:0").append(i % 10).append(":00,26:0").append(i % 10).append(":00,S3,").append(3 + i).append("\r\n");
        big.append("T2,27:00:00,27:00:00,NOPE,999\r\n");
        files.put("stop_times.txt", big.toString());
        var report = GtfsReader.read(zip(files), LIMITS).report().summary();
        assertThat(report.droppedRows()).containsEntry("stop_times.txt", 1);
        assertThat(report.warnings().get(0).line()).isEqualTo(207);
        assertThat(report.warnings().get(0).message()).contains("NOPE");
    }

    @Test
    void failsWhenBrokenRowsExceedTheThreshold() throws Exception {
        var files = messy();
        files.put("stop_times.txt", files.get("stop_times.txt") + "T9,27:00:00,27:00:00,S1,1\r\n");
        assertThatThrownBy(() -> GtfsReader.read(zip(files), LIMITS))
                .isInstanceOf(FeedRejected.class)
                .hasMessageContaining("stop_times.txt:7")
                .hasMessageContaining("T9");
    }

    @Test
    void acceptsFilesInsideOneFolder() throws Exception {
        Map<String, String> nested = new LinkedHashMap<>();
        messy().forEach((k, v) -> nested.put("gtfs/" + k, v));
        assertThat(GtfsReader.read(zip(nested), LIMITS).feed().stops()).hasSize(3);
    }

    @Test
    void countsInflatedBytesAgainstTheLimit() throws Exception {
        var files = messy();
        files.put("shapes.txt", "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\n" + "X,1,1,1\n".repeat(200_000));
        assertThatThrownBy(() -> GtfsReader.read(zip(files), new GtfsReader.Limits(1_000_000, 0.01)))
                .isInstanceOf(FeedRejected.class)
                .extracting(e -> ((FeedRejected) e).code()).isEqualTo("ZIP_TOO_LARGE");
    }
}
