package city.onestop.participation;

import static city.onestop.participation.ParticipationFixture.problem;
import static city.onestop.participation.ParticipationFixture.timelineKinds;
import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.AuditRows;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The department's side: accept, assign, reply, transfer, reject, close; each change audited and told to the submitter. */
@IntegrationTest
class CaseHandlingIT {

    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Z_]+)\"");

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @LocalServerPort int port;

    ParticipationFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ParticipationFixture(web, tokens, db);
    }

    @Test
    void aComplaintGoesFromSubmittedToClosedWithEveryStepAuditedAndNotified() {
        var citizen = fx.citizen();
        var handler = fx.staff("TRANSIT");
        Object id = fx.submitOk(citizen, ParticipationFixture.stopComplaint()).get("id");

        Map<String, Object> accepted = fx.staffOk(handler, id, "accept", null);
        assertThat(accepted.get("status")).isEqualTo("ACCEPTED");
        assertThat(accepted.get("nextDeadline")).isEqualTo(accepted.get("replyBy"));
        assertThat(fx.staffOk(handler, id, "assign", Map.of("assigneeId", handler.id())).get("assigneeId"))
                .isEqualTo(handler.id().toString());
        Map<String, Object> replied = fx.staffOk(handler, id, "reply", Map.of("text", "候车亭玻璃已于今日更换。The glass was replaced today."));
        assertThat(replied.get("status")).isEqualTo("REPLIED");
        assertThat(replied.get("nextDeadline")).isNull();
        Map<String, Object> closed = ParticipationFixture.map(fx.citizenAction(citizen, id, "confirm", null).expectStatus().isOk());
        assertThat(closed.get("status")).isEqualTo("CLOSED");
        assertThat(closed.get("satisfied")).isEqualTo(true);
        assertThat(timelineKinds(fx.get(citizen, id))).containsExactly("SUBMITTED", "ACCEPTED", "ASSIGNED", "REPLIED", "CONFIRMED");

        List<AuditRows.Row> audit = new AuditRows(db).byTarget("case:" + id);
        assertThat(audit).extracting(AuditRows.Row::action)
                .containsExactly("CASE_SUBMITTED", "CASE_ACCEPTED", "CASE_ASSIGNED", "CASE_REPLIED", "CASE_CONFIRMED");
        assertThat(audit.get(1).actorId()).isEqualTo(handler.id());
        assertThat(audit.get(1).actorRole()).isEqualTo("CASE_STAFF");

        List<Map<String, Object>> replies = fx.notifications(citizen, "CASE_REPLIED", 1);
        assertThat(replies).hasSize(1);
        assertThat((String) replies.get(0).get("body")).contains("The glass was replaced today.").contains("答复");
        assertThat(fx.notifications(citizen, "CASE_ACCEPTED", 1)).hasSize(1);
    }

    @Test
    void aTransferMovesTheCaseAndWhoMayHandleIt() {
        var citizen = fx.citizen();
        var transit = fx.staff("TRANSIT");
        var office = fx.staff("CITY_OFFICE");
        Object id = fx.submitOk(citizen, ParticipationFixture.stopComplaint()).get("id");
        Map<String, Object> moved = fx.staffOk(transit, id, "transfer",
                Map.of("departmentId", fx.departmentId("CITY_OFFICE"), "reason", "Road works, not the bus operator"));
        assertThat(moved.get("status")).isEqualTo("TRANSFERRED");
        problem(fx.staffAction(transit, id, "accept", null), HttpStatus.NOT_FOUND, "CASE_NOT_FOUND");
        assertThat(fx.staffOk(office, id, "accept", null).get("status")).isEqualTo("ACCEPTED");
        problem(fx.staffAction(office, id, "transfer", Map.of("departmentId", fx.departmentId("CITY_OFFICE"), "reason", "same")),
                HttpStatus.CONFLICT, "CASE_STATE_CONFLICT");
    }

    @Test
    void aRejectionNeedsAReasonAndEndsTheCase() {
        var citizen = fx.citizen();
        var handler = fx.staff("WATER");
        Object id = fx.submitOk(citizen, ParticipationFixture.complaint("WATER", null)).get("id");
        problem(fx.staffAction(handler, id, "reject", Map.of()), HttpStatus.BAD_REQUEST, "VALIDATION_FAILED");
        Map<String, Object> rejected = fx.staffOk(handler, id, "reject", Map.of("reason", "Private pipes are the owner's"));
        assertThat(rejected.get("status")).isEqualTo("REJECTED");
        assertThat(rejected.get("rejectReason")).isEqualTo("Private pipes are the owner's");
        problem(fx.staffAction(handler, id, "accept", null), HttpStatus.CONFLICT, "CASE_STATE_CONFLICT");
        problem(fx.citizenAction(citizen, id, "withdraw", null), HttpStatus.CONFLICT, "CASE_STATE_CONFLICT");
    }

    @Test
    void theSubmitterMayReopenOnceAndWithdrawWhileOpen() {
        var citizen = fx.citizen();
        var handler = fx.staff("POWER");
        Object id = fx.submitOk(citizen, ParticipationFixture.complaint("ELECTRICITY", null)).get("id");
        fx.staffOk(handler, id, "accept", null);
        fx.staffOk(handler, id, "reply", Map.of("text", "Fixed."));
        Map<String, Object> reopened = ParticipationFixture.map(
                fx.citizenAction(citizen, id, "reopen", Map.of("text", "Still off at night")).expectStatus().isOk());
        assertThat(reopened.get("status")).isEqualTo("ACCEPTED");
        assertThat(reopened.get("reopened")).isEqualTo(true);
        fx.staffOk(handler, id, "reply", Map.of("text", "Fixed for real."));
        problem(fx.citizenAction(citizen, id, "reopen", Map.of("text", "again")), HttpStatus.CONFLICT, "CASE_ALREADY_REOPENED");

        Object other = fx.submitOk(citizen, ParticipationFixture.complaint("ELECTRICITY", null)).get("id");
        ParticipationFixture.map(fx.citizenAction(citizen, other, "information", Map.of("text", "Meter no. 12")).expectStatus().isOk());
        assertThat(ParticipationFixture.map(fx.citizenAction(citizen, other, "withdraw", Map.of("reason", "sorted")).expectStatus().isOk())
                .get("status")).isEqualTo("WITHDRAWN");
        problem(fx.staffAction(handler, other, "accept", null), HttpStatus.CONFLICT, "CASE_STATE_CONFLICT");
        assertThat(timelineKinds(fx.get(citizen, other))).containsExactly("SUBMITTED", "INFORMATION_ADDED", "WITHDRAWN");
        problem(fx.citizenAction(fx.citizen(), other, "withdraw", null), HttpStatus.NOT_FOUND, "CASE_NOT_FOUND");
    }

    @Test
    void onlyASupervisorAssignsToSomeoneElseAndOnlyToTheDepartmentsStaff() {
        var citizen = fx.citizen();
        var handler = fx.staff("TRANSIT");
        var supervisor = fx.staff("TRANSIT", "SUPERVISOR");
        var outsider = fx.staff("WATER");
        Object id = fx.submitOk(citizen, ParticipationFixture.stopComplaint()).get("id");
        fx.staffOk(handler, id, "accept", null);
        problem(fx.staffAction(handler, id, "assign", Map.of("assigneeId", supervisor.id())), HttpStatus.FORBIDDEN, "SUPERVISOR_ONLY");
        problem(fx.staffAction(supervisor, id, "assign", Map.of("assigneeId", outsider.id())), HttpStatus.UNPROCESSABLE_CONTENT,
                "ASSIGNEE_NOT_STAFF");
        assertThat(fx.staffOk(supervisor, id, "assign", Map.of("assigneeId", handler.id())).get("assigneeId"))
                .isEqualTo(handler.id().toString());
        problem(fx.staffAction(fx.citizen(), id, "reply", Map.of("text", "x")), HttpStatus.FORBIDDEN, "NOT_CASE_STAFF");
    }

    @Test
    void ofManyHandlersAcceptingAtOnceExactlyOneWins() {
        var citizen = fx.citizen();
        Object id = fx.submitOk(citizen, ParticipationFixture.stopComplaint()).get("id");
        List<ParticipationFixture.Person> handlers = new ArrayList<>();
        for (int i = 0; i < 12; i++) handlers.add(fx.staff("TRANSIT"));
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        List<String> outcomes = Flux.range(0, 120)
                .flatMap(i -> outcome(client.post().uri("/api/v1/participation/staff/cases/{id}/accept", id)
                        .headers(h -> h.setBearerAuth(handlers.get(i % handlers.size()).token()))), 120)
                .collectList()
                .block(Duration.ofSeconds(120));
        assertThat(outcomes).as("outcomes %s", outcomes.stream().distinct().toList()).filteredOn("200"::equals).hasSize(1);
        assertThat(outcomes).filteredOn(o -> !o.equals("200")).allMatch("409 CASE_STATE_CONFLICT"::equals);
        assertThat(fx.count("SELECT count(*) FROM participation_case_events WHERE case_id = :p0 AND kind = 'ACCEPTED'",
                java.util.UUID.fromString((String) id))).isEqualTo(1);
        assertThat(new AuditRows(db).byTarget("case:" + id)).filteredOn(r -> r.action().equals("CASE_ACCEPTED")).hasSize(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theQueueIsSortedByDeadlineAndPagesWithoutGapsOrRepeats() {
        var citizen = fx.citizen();
        var handler = fx.staff("CITY_OFFICE");
        Set<Object> mine = new HashSet<>();
        for (String type : List.of("COMPLAINT", "ENQUIRY", "SUGGESTION")) {
            Map<String, Object> body = ParticipationFixture.complaint("ROADS", null);
            body.put("type", type);
            mine.add(fx.submitOk(citizen, body).get("id"));
        }
        Object accepted = mine.iterator().next();
        fx.staffOk(handler, accepted, "accept", null);

        List<Map<String, Object>> seen = new ArrayList<>();
        String cursor = null;
        do {
            String uri = "/api/v1/participation/staff/cases?limit=7" + (cursor == null ? "" : "&cursor=" + cursor);
            Map<String, Object> page = ParticipationFixture.map(web.get().uri(uri).headers(h -> h.setBearerAuth(handler.token()))
                    .exchange().expectStatus().isOk());
            seen.addAll((List<Map<String, Object>>) page.get("items"));
            cursor = (String) page.get("next");
        } while (cursor != null);
        assertThat(seen).extracting(m -> m.get("id")).doesNotHaveDuplicates().containsAll(mine);
        List<OffsetDateTime> deadlines = seen.stream().map(m -> (String) m.get("nextDeadline")).map(OffsetDateTime::parse).toList();
        for (int i = 1; i < deadlines.size(); i++) {
            assertThat(deadlines.get(i)).as("item %d", i).isAfterOrEqualTo(deadlines.get(i - 1));
        }
        assertThat(seen).allMatch(m -> ((Map<String, Object>) m.get("department")).get("code").equals("CITY_OFFICE"));

        List<Map<String, Object>> acceptedOnly = (List<Map<String, Object>>) ParticipationFixture.map(web.get()
                .uri("/api/v1/participation/staff/cases?status=ACCEPTED&limit=100").headers(h -> h.setBearerAuth(handler.token()))
                .exchange().expectStatus().isOk()).get("items");
        assertThat(acceptedOnly).allMatch(m -> m.get("status").equals("ACCEPTED")).extracting(m -> m.get("id")).contains(accepted);
        problem(web.get().uri("/api/v1/participation/staff/cases").headers(h -> h.setBearerAuth(citizen.token())).exchange(),
                HttpStatus.FORBIDDEN, "NOT_CASE_STAFF");
        problem(web.get().uri("/api/v1/participation/staff/cases?cursor=bm9wZQ").headers(h -> h.setBearerAuth(handler.token())).exchange(),
                HttpStatus.BAD_REQUEST, "INVALID_CURSOR");
    }

    private static Mono<String> outcome(WebClient.RequestHeadersSpec<?> request) {
        return request.exchangeToMono(r -> r.bodyToMono(String.class).defaultIfEmpty("").map(body -> {
            Matcher m = CODE.matcher(body);
            // Only a problem's code: a 200 carries a department "code" too.
            return r.statusCode().value() + (r.statusCode().isError() && m.find() ? " " + m.group(1) : "");
        }));
    }
}
