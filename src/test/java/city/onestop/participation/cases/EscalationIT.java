package city.onestop.participation.cases;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.participation.ParticipationFixture;
import city.onestop.platform.AccessTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The escalation job, driven by a fixed clock instead of waiting for a deadline to pass. */
@IntegrationTest
class EscalationIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired Escalation escalation;

    @Test
    void flagsACaseOnceWhenItsDeadlinePassedAndTellsTheSubmitterAndTheStaff() {
        var fx = new ParticipationFixture(web, tokens, db);
        var citizen = fx.citizen();
        var handler = fx.staff("WATER");
        Map<String, Object> created = fx.submitOk(citizen, ParticipationFixture.complaint("WATER", null));
        UUID id = UUID.fromString((String) created.get("id"));
        Instant ackDue = OffsetDateTime.parse((String) created.get("acknowledgeBy")).toInstant();

        Escalation.Run early = escalation.run(Clock.fixed(ackDue.minusSeconds(60), ZoneOffset.UTC)).block(Duration.ofSeconds(30));
        assertThat(early.flagged()).doesNotContain(id);

        Escalation.Run late = escalation.run(Clock.fixed(ackDue.plusSeconds(60), ZoneOffset.UTC)).block(Duration.ofSeconds(30));
        assertThat(late.ran()).isTrue();
        assertThat(late.flagged()).contains(id);
        Map<String, Object> view = fx.get(citizen, id);
        assertThat(view.get("overdue")).isEqualTo(true);
        assertThat(ParticipationFixture.timelineKinds(view)).containsExactly("SUBMITTED", "OVERDUE");

        Escalation.Run again = escalation.run(Clock.fixed(ackDue.plusSeconds(120), ZoneOffset.UTC)).block(Duration.ofSeconds(30));
        assertThat(again.flagged()).doesNotContain(id);
        assertThat(fx.count("SELECT count(*) FROM participation_case_events WHERE case_id = :p0 AND kind = 'OVERDUE'", id)).isEqualTo(1);

        assertThat(fx.notifications(citizen, "CASE_OVERDUE", 1)).hasSize(1);
        assertThat(fx.notifications(handler, "CASE_OVERDUE_STAFF", 1)).hasSize(1);

        // Accepting answers the acknowledgement; the reply deadline is a new one, flagged again once it passes.
        Map<String, Object> accepted = fx.staffOk(handler, id, "accept", null);
        assertThat(accepted.get("overdue")).isEqualTo(false);
        Instant replyDue = OffsetDateTime.parse((String) accepted.get("replyBy")).toInstant();
        assertThat(escalation.run(Clock.fixed(replyDue.plusSeconds(1), ZoneOffset.UTC)).block(Duration.ofSeconds(30)).flagged())
                .contains(id);
    }
}
