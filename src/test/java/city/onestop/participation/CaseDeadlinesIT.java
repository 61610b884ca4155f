package city.onestop.participation;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.TestClock;
import city.onestop.platform.AccessTokens;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A filed case's deadlines through the API, on a date whose working days were counted by hand. */
@IntegrationTest
class CaseDeadlinesIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void deadlinesSkipMidAutumnAndNationalDayAndCountTheWeekendsWorked() {
        var fx = new ParticipationFixture(web, tokens, db);
        var citizen = fx.citizen();
        clock.freezeAt(OffsetDateTime.parse("2026-09-18T10:00:00+08:00").toInstant()); // Friday
        Map<String, Object> complaint = fx.submitOk(citizen, ParticipationFixture.stopComplaint());
        // Acknowledge within 1 working day: Sunday 20 September is worked (国庆调休).
        assertThat(OffsetDateTime.parse((String) complaint.get("acknowledgeBy")))
                .isEqualTo(OffsetDateTime.parse("2026-09-21T00:00:00+08:00"));
        // Reply within 15: 20-24 (5), 中秋 25-27 off, 28-30 (8), 国庆 1-7 October off, 8, 9 (10), Saturday 10 worked (11),
        // 12-15 (15): due by the end of Thursday 15 October.
        assertThat(OffsetDateTime.parse((String) complaint.get("replyBy"))).isEqualTo(OffsetDateTime.parse("2026-10-16T00:00:00+08:00"));

        Map<String, Object> body = new HashMap<>(ParticipationFixture.stopComplaint());
        body.put("type", "ENQUIRY");
        Map<String, Object> enquiry = fx.submitOk(citizen, body);
        // Reply within 5: 20, 21, 22, 23, 24.
        assertThat(OffsetDateTime.parse((String) enquiry.get("replyBy"))).isEqualTo(OffsetDateTime.parse("2026-09-25T00:00:00+08:00"));
    }
}
