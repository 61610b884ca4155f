package city.onestop.participation.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.participation.ParticipationFixture;
import city.onestop.platform.AccessTokens;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Forwarding accepted cases into a fake 12345 system (a real HTTP server) that fails first, then works. */
@IntegrationTest
class ForwardingIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired HotlineEndpoint endpoint;
    @Autowired Forwarder forwarder;

    MockWebServer hotline;
    final AtomicInteger filings = new AtomicInteger();
    final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    volatile String status = "PROCESSING";

    @BeforeEach
    void start() throws IOException {
        hotline = new MockWebServer();
        hotline.setDispatcher(new fakes.ScriptedDispatcher(this::answer));
        hotline.start(InetAddress.getLoopbackAddress(), 0);
        endpoint.use(URI.create("http://127.0.0.1:" + hotline.getPort()), "test-key");
    }

    @AfterEach
    void stop() {
        endpoint.off();
        hotline.close();
    }

    private MockResponse answer(RecordedRequest request) {
        requests.add(request);
        if ("POST".equals(request.getMethod())) {
            // The first filing finds the hotline down; the retry is filed.
            return filings.incrementAndGet() == 1
                    ? new MockResponse.Builder().code(503).body("down").build()
                    : json(201, "{\"id\":\"EXT-" + request.getHeaders().get("Idempotency-Key") + "\"}");
        }
        return "PROCESSING".equals(status)
                ? json(200, "{\"status\":\"PROCESSING\"}")
                : json(200, "{\"status\":\"REPLIED\",\"reply\":\"12345热线：已督促公交公司整改。\"}");
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    String state(UUID caseId) {
        return db.sql("SELECT state FROM participation_forwarding WHERE case_id = :c").bind("c", caseId)
                .map(r -> r.get("state", String.class)).one().block(Duration.ofSeconds(10));
    }

    Forwarder.Run run(Instant at) {
        return forwarder.runOnce(Clock.fixed(at, ZoneOffset.UTC)).block(Duration.ofSeconds(30));
    }

    @Test
    void anAcceptedCaseIsFiledAfterTheHotlineRecoversAndItsReplyReachesTheCitizen() {
        var fx = new ParticipationFixture(web, tokens, db);
        var citizen = fx.citizen();
        var handler = fx.staff("TRANSIT");
        UUID id = UUID.fromString((String) fx.submitOk(citizen, ParticipationFixture.stopComplaint()).get("id"));
        assertThat(fx.count("SELECT count(*) FROM participation_forwarding WHERE case_id = :p0", id)).as("not before it is accepted").isZero();
        fx.staffOk(handler, id, "accept", null);
        assertThat(state(id)).isEqualTo("PENDING");

        Instant now = Instant.now();
        Forwarder.Run first = run(now);
        assertThat(first.failed()).isEqualTo(1);
        assertThat(state(id)).isEqualTo("PENDING");
        assertThat(fx.count("SELECT attempts FROM participation_forwarding WHERE case_id = :p0", id)).isEqualTo(1);
        // Not due again before its backoff (10 s) passed.
        assertThat(run(now.plusSeconds(5)).filed()).isZero();

        assertThat(run(now.plusSeconds(11)).filed()).isEqualTo(1);
        assertThat(state(id)).isEqualTo("FILED");
        List<RecordedRequest> posts = requests.stream().filter(r -> "POST".equals(r.getMethod())).toList();
        assertThat(posts).hasSize(2);
        assertThat(posts).allSatisfy(r -> {
            assertThat(r.getHeaders().get("Idempotency-Key")).isEqualTo(id.toString());
            assertThat(r.getHeaders().get("X-Api-Key")).isEqualTo("test-key");
            assertThat(r.getBody().utf8()).contains("\"title\":\"站台候车亭破损\"").contains("\"department\":\"市公共交通集团\"");
        });

        // Read back: still processing, then replied (10 minutes between polls).
        assertThat(run(now.plus(Duration.ofMinutes(11))).replied()).isZero();
        assertThat(state(id)).isEqualTo("FILED");
        status = "REPLIED";
        assertThat(run(now.plus(Duration.ofMinutes(22))).replied()).isEqualTo(1);
        assertThat(state(id)).isEqualTo("DONE");
        Map<String, Object> view = fx.get(citizen, id);
        assertThat(view.get("status")).isEqualTo("REPLIED");
        assertThat(view.get("reply")).isEqualTo("12345热线：已督促公交公司整改。");
        assertThat(fx.notifications(citizen, "CASE_REPLIED", 1)).hasSize(1);
        assertThat(requests.stream().filter(r -> "GET".equals(r.getMethod())).map(r -> r.getUrl().encodedPath()))
                .containsOnly("/cases/EXT-" + id);
    }
}
