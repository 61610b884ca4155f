package city.onestop.participation;

import static city.onestop.participation.ParticipationFixture.map;
import static city.onestop.participation.ParticipationFixture.problem;
import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The word list (test profile: 审核测试词, hold-me-for-review) holds a case for the city office instead of refusing it. */
@IntegrationTest
class ReviewHoldIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;

    @SuppressWarnings("unchecked")
    List<Object> queue(ParticipationFixture.Person staff, String query) {
        return ((List<Map<String, Object>>) map(web.get().uri("/api/v1/participation/staff/cases?limit=100" + query)
                .headers(h -> h.setBearerAuth(staff.token())).exchange().expectStatus().isOk()).get("items"))
                .stream().map(m -> m.get("id")).toList();
    }

    @Test
    void aCaseWithAListedWordWaitsForTheCityOfficeThenReachesItsDepartment() {
        var fx = new ParticipationFixture(web, tokens, db);
        var citizen = fx.citizen();
        var transit = fx.staff("TRANSIT");
        var office = fx.staff("CITY_OFFICE");
        Map<String, Object> body = new HashMap<>(ParticipationFixture.stopComplaint());
        body.put("text", "The driver said HOLD-ME-FOR-REVIEW to me.");
        Map<String, Object> held = fx.submitOk(citizen, body);
        Object id = held.get("id");
        assertThat(held.get("heldForReview")).isEqualTo(true);
        assertThat(held.get("status")).isEqualTo("SUBMITTED");
        assertThat(ParticipationFixture.timelineKinds(held)).containsExactly("SUBMITTED", "HELD_FOR_REVIEW");
        Map<String, Object> plain = fx.submitOk(citizen, ParticipationFixture.stopComplaint());
        assertThat(plain.get("heldForReview")).isEqualTo(false);

        assertThat(queue(transit, "")).contains(plain.get("id")).doesNotContain(id);
        problem(fx.staffAction(transit, id, "accept", null), HttpStatus.CONFLICT, "CASE_STATE_CONFLICT");
        problem(web.get().uri("/api/v1/participation/staff/cases?held=true").headers(h -> h.setBearerAuth(transit.token())).exchange(),
                HttpStatus.FORBIDDEN, "REVIEWER_ONLY");
        problem(fx.staffAction(transit, id, "release", null), HttpStatus.FORBIDDEN, "REVIEWER_ONLY");
        assertThat(queue(office, "&held=true")).contains(id).doesNotContain(plain.get("id"));

        assertThat(fx.staffOk(office, id, "release", null).get("heldForReview")).isEqualTo(false);
        problem(fx.staffAction(office, id, "release", null), HttpStatus.CONFLICT, "CASE_NOT_HELD");
        assertThat(queue(transit, "")).contains(id);
        assertThat(fx.staffOk(transit, id, "accept", null).get("status")).isEqualTo("ACCEPTED");

        Map<String, Object> chinese = new HashMap<>(ParticipationFixture.stopComplaint());
        chinese.put("title", "关于审核测试词的意见");
        assertThat(fx.submitOk(citizen, chinese).get("heldForReview")).isEqualTo(true);
    }
}
