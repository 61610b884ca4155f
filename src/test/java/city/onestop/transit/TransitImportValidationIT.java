package city.onestop.transit;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import city.onestop.transit.demo.DemoCity;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Each malformed feed is refused with a clear reason, and the feed's current version stays as it was. */
@IntegrationTest
class TransitImportValidationIT {

    @Autowired
    WebTestClient web;

    @Autowired
    AccessTokens tokens;

    @Autowired
    DatabaseClient db;

    String feed;
    long version;
    Map<String, String> demo;

    @BeforeEach
    void validFeed() throws Exception {
        feed = "v-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        byte[] zip = DemoCity.zip(TransitFixtures.DEMO_START, "");
        TransitFixtures.upload(web, tokens, feed, zip).expectStatus().isCreated();
        version = currentVersion();
        demo = Zips.entries(zip);
    }

    @Test
    void refusesAFileThatIsNotAZip() {
        rejected("this is not a zip".getBytes(), "NOT_A_ZIP", "not a zip");
    }

    @Test
    void namesAMissingRequiredFile() throws Exception {
        rejected(edited(m -> m.remove("stop_times.txt")), "GTFS_MISSING_FILE", "stop_times.txt");
    }

    @Test
    void namesAMissingRequiredColumn() throws Exception {
        rejected(edited(m -> m.put("stops.txt", m.get("stops.txt").replaceFirst("stop_lat,", "latitude,"))),
                "GTFS_MISSING_COLUMN", "stop_lat");
    }

    @Test
    void refusesAZipBomb() throws Exception {
        // 80 MB of zeros compress to ~80 KB; the test profile allows 64 MB uncompressed.
        var bytes = new ByteArrayOutputStream();
        try (var out = new ZipOutputStream(bytes)) {
            for (var f : demo.entrySet()) {
                out.putNextEntry(new ZipEntry(f.getKey()));
                out.write(f.getValue().getBytes());
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("padding.txt"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 80; i++) out.write(zeros);
            out.closeEntry();
        }
        rejected(bytes.toByteArray(), "ZIP_TOO_LARGE", "more than");
    }

    @Test
    void refusesEntriesThatEscapeTheArchive() throws Exception {
        rejected(edited(m -> m.put("../../etc/evil.txt", "x")), "UNSAFE_ZIP_ENTRY", "../../etc/evil.txt");
        rejected(edited(m -> m.put("/abs/path.txt", "x")), "UNSAFE_ZIP_ENTRY", "/abs/path.txt");
    }

    @Test
    void failsWhenTooManyRowsHaveBrokenReferencesAndNamesTheFirst() throws Exception {
        // Every trip of route 3 points to a route that does not exist: far more than 1 % of trips.txt.
        rejected(edited(m -> m.put("trips.txt", m.get("trips.txt").replace("\n3,ALL,", "\n33,ALL,"))),
                "GTFS_BROKEN_ROWS", "trips.txt:");
    }

    @Test
    void dropsAFewBrokenRowsAndReportsThem() throws Exception {
        byte[] zip = edited(m -> m.put("stop_times.txt", m.get("stop_times.txt") + "1-WD-0-1,23:59:00,23:59:00,NOWHERE,99\n"));
        int lines = (int) demo.get("stop_times.txt").lines().count() + 1;
        TransitFixtures.upload(web, tokens, feed, zip).expectStatus().isCreated().expectBody()
                .jsonPath("$.status").isEqualTo("SUCCEEDED")
                .jsonPath("$.report.droppedRows['stop_times.txt']").isEqualTo(1)
                .jsonPath("$.report.warnings[0].file").isEqualTo("stop_times.txt")
                .jsonPath("$.report.warnings[0].line").isEqualTo(lines)
                .jsonPath("$.report.warnings[0].message").value(m -> assertThat((String) m).contains("NOWHERE"));
        assertThat(currentVersion()).isGreaterThan(version);
    }

    @Test
    void importHistoryListsFailuresWithTheirReason() {
        rejected("nope".getBytes(), "NOT_A_ZIP", "zip");
        web.get().uri("/api/v1/admin/transit/feeds/{f}/imports", feed)
                .headers(h -> h.setBearerAuth(TransitFixtures.adminToken(tokens))).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items[0].status").isEqualTo("FAILED")
                .jsonPath("$.items[0].errorCode").isEqualTo("NOT_A_ZIP")
                .jsonPath("$.items[1].status").isEqualTo("SUCCEEDED")
                .jsonPath("$.items[1].report.counts.stops").isEqualTo(40);
    }

    private byte[] edited(Consumer<Map<String, String>> edit) throws Exception {
        Map<String, String> copy = new LinkedHashMap<>(demo);
        edit.accept(copy);
        return Zips.zip(copy);
    }

    private void rejected(byte[] zip, String code, String detailContains) {
        web.post().uri("/api/v1/admin/transit/feeds/{f}/imports", feed)
                .headers(h -> h.setBearerAuth(TransitFixtures.adminToken(tokens)))
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .bodyValue(zip)
                .exchange()
                .expectStatus().isEqualTo(422)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code").isEqualTo(code)
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains(detailContains));
        assertThat(currentVersion()).as("current version untouched").isEqualTo(version);
        web.get().uri("/api/v1/transit/stops/{f}:E5", feed).exchange().expectStatus().isOk();
        long leftovers = db.sql("select count(*) from transit_feed_version where feed_id = :f and status <> 'CURRENT' and status <> 'RETIRED'")
                .bind("f", feed).map(r -> r.get(0, Long.class)).one().block();
        assertThat(leftovers).isZero();
    }

    private long currentVersion() {
        return db.sql("select current_version from transit_feed where feed_id = :f").bind("f", feed)
                .map(r -> r.get(0, Long.class)).one().block();
    }
}
