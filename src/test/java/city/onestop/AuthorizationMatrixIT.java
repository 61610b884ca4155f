package city.onestop;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.billing.BillingFixtures;
import city.onestop.billing.Utility;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Who may call what: every operation of the published OpenAPI document has one row here, with the status each
 * caller gets. The test fails when the document has an operation without a row (add one line below) or a row
 * names an operation the document no longer has.
 *
 * <p>Callers, in column order: no token; the citizen who owns the resources in the path ("owner"); another
 * citizen on the owner's resources; hospital staff of another hospital (roles CITIZEN and HOSPITAL_STAFF);
 * a utility operator; an admin. The owner calls last, so a row whose owner call changes something (cancel,
 * pay) does so after the others were refused. Path variables are real resources made in {@link #setUp};
 * {@code {random}} is an id nothing has, where 404 is the honest answer.
 *
 * <p>An authorised call with an empty or partial body shows 400 (validation) rather than a 2xx: what the matrix
 * proves is who is refused (401, 403) or kept from seeing another's resource (404).
 */
@IntegrationTest
class AuthorizationMatrixIT {

    enum Caller { NONE, OWNER, OTHER_CITIZEN, OTHER_HOSPITAL_STAFF, OPERATOR, ADMIN }

    /** One operation: its expected status per caller (in {@link Caller} order), optional body, and whether it is public. */
    record Row(String method, String path, int[] expected, String body, boolean open) {

        String key() {
            return method + " " + path;
        }
    }

    /** A protected operation; {@code statuses} in {@link Caller} order. */
    static Row row(String operation, int... statuses) {
        return rowWithBody(operation, null, statuses);
    }

    static Row rowWithBody(String operation, String body, int... statuses) {
        String[] parts = operation.trim().split("\\s+");
        if (statuses.length != Caller.values().length) {
            throw new IllegalArgumentException(operation + ": one status per caller");
        }
        return new Row(parts[0], parts[1], statuses, body, false);
    }

    /** A public operation: documented without security, and every caller (with or without a token) gets {@code status}. */
    static Row open(String operation, int status) {
        return openWithBody(operation, null, status);
    }

    static Row openWithBody(String operation, String body, int status) {
        String[] parts = operation.trim().split("\\s+");
        int[] all = new int[Caller.values().length];
        java.util.Arrays.fill(all, status);
        return new Row(parts[0], parts[1], all, body, true);
    }

    // @formatter:off
    static final List<Row> MATRIX = List.of(
        //   operation                                                          none owner other staff  oper admin
        // ---- public: identity, catalogue, transit, provider callback
        openWithBody("POST /api/v1/auth/register", "{}",                                                     400),
        openWithBody("POST /api/v1/auth/login", "{}",                                                        400),
        openWithBody("POST /api/v1/auth/refresh", "{}",                                                      400),
        openWithBody("POST /api/v1/auth/logout", "{}",                                                       400),
        openWithBody("POST /api/v1/auth/password-resets", "{}",                                              400),
        openWithBody("POST /api/v1/auth/password-resets/confirmation", "{}",                                 400),
        open("GET /api/v1/booking/hospitals",                                                                200),
        open("GET /api/v1/booking/hospitals/{hospitalId}",                                                   200),
        open("GET /api/v1/booking/hospitals/{hospitalId}/departments",                                       200),
        open("GET /api/v1/booking/departments/{departmentId}/doctors",                                       200),
        open("GET /api/v1/booking/availability?departmentId={departmentId}",                                 200),
        open("GET /api/v1/transit/stops?lat=31.2&lon=121.4",                                                 200),
        open("GET /api/v1/transit/stops/{random}",                                                           404),
        open("GET /api/v1/transit/routes",                                                                   200),
        open("GET /api/v1/transit/routes/{random}",                                                          404),
        open("GET /api/v1/transit/stops/{random}/departures",                                                404),
        open("GET /api/v1/transit/stops/{random}/arrivals",                                                  404),
        open("GET /api/v1/transit/stops/{random}/arrivals/stream",                                           404),
        open("GET /api/v1/transit/feeds/{random}/status",                                                    404),
        open("GET /api/v1/transit/vehicles?lat=31.2&lon=121.4",                                              200),
        // An unknown route has no live vehicles: an empty list, as for a route with none running now.
        open("GET /api/v1/transit/routes/{random}/vehicles",                                                 200),
        open("GET /api/v1/transit/alerts",                                                                   200),
        open("GET /api/v1/demo/gtfs-rt/vehicle-positions.pb",                                               200),
        open("GET /api/v1/demo/gtfs-rt/trip-updates.pb",                                                    200),
        openWithBody("POST /api/v1/billing/provider-callbacks", "{}",                                        401),
        // ---- the citizen's own data
        // Only the owner is a registered citizen; the other callers' tokens name no account.
        row("GET /api/v1/me",                                                             401, 200, 404, 404, 404, 404),
        row("GET /api/v1/me/activity",                                                    401, 200, 200, 200, 200, 200),
        row("GET /api/v1/me/export",                                                      401, 200, 404, 404, 404, 404),
        // Without the password the owner is refused (403): the matrix must not delete its own fixture.
        rowWithBody("POST /api/v1/me/deletion", "{}",                                     401, 403, 404, 404, 404, 404),
        row("GET /api/v1/me/notifications",                                               401, 200, 200, 200, 200, 200),
        row("GET /api/v1/me/notifications/stream",                                        401, 200, 200, 200, 200, 200),
        row("GET /api/v1/me/dashboard",                                                   401, 200, 200, 200, 200, 200),
        row("GET /api/v1/me/favorites/stops",                                             401, 200, 200, 200, 200, 200),
        row("PUT /api/v1/me/favorites/stops/{random}",                                    401, 404, 404, 404, 404, 404),
        row("DELETE /api/v1/me/favorites/stops/{random}",                                 401, 404, 404, 404, 404, 404),
        row("GET /api/v1/me/watches",                                                     401, 200, 200, 200, 200, 200),
        rowWithBody("POST /api/v1/me/watches", "{}",                                      401, 400, 400, 400, 400, 400),
        row("DELETE /api/v1/me/watches/{random}",                                         401, 404, 404, 404, 404, 404),
        row("POST /api/v1/me/notifications/{random}/read",                                401, 404, 404, 404, 404, 404),
        row("GET /api/v1/me/language",                                                    401, 200, 404, 404, 404, 404),
        rowWithBody("PUT /api/v1/me/language", "{}",                                      401, 400, 400, 400, 400, 400),
        row("GET /api/v1/me/notification-preferences",                                    401, 200, 200, 200, 200, 200),
        rowWithBody("PUT /api/v1/me/notification-preferences", "{}",                      401, 200, 200, 200, 200, 200),
        row("GET /api/v1/me/devices",                                                     401, 200, 200, 200, 200, 200),
        rowWithBody("POST /api/v1/me/devices", "{}",                                      401, 400, 400, 400, 400, 400),
        row("DELETE /api/v1/me/devices/{random}",                                         401, 404, 404, 404, 404, 404),
        open("GET /api/v1/push/vapid-public-key", 200),
        row("GET /api/v1/me/family-members",                                              401, 200, 200, 200, 200, 200),
        rowWithBody("POST /api/v1/me/family-members", "{}",                               401, 400, 400, 400, 400, 400),
        // ---- booking: a citizen's appointments
        rowWithBody("POST /api/v1/booking/holds", "{}",                                   401, 400, 400, 400, 400, 400),
        rowWithBody("POST /api/v1/booking/appointments", "{}",                            401, 400, 400, 400, 400, 400),
        row("GET /api/v1/booking/appointments",                                           401, 200, 200, 200, 200, 200),
        row("GET /api/v1/booking/appointments/{appointmentId}",                           401, 200, 404, 404, 404, 404),
        row("POST /api/v1/booking/appointments/{apptToCancel}/cancel",                    401, 200, 404, 404, 404, 404),
        rowWithBody("POST /api/v1/booking/appointments/{apptToReschedule}/reschedule", "{\"slotId\":\"{freeSlotId}\"}",
                                                                                          401, 201, 404, 404, 404, 404),
        // ---- booking: hospital staff (the caller is staff of another hospital, or not staff at all)
        rowWithBody("POST /api/v1/booking/staff/departments", "{}",                       401, 400, 400, 400, 400, 400),
        rowWithBody("POST /api/v1/booking/staff/doctors", "{}",                           401, 400, 400, 400, 400, 400),
        rowWithBody("POST /api/v1/booking/staff/schedules", "{}",                         401, 400, 400, 400, 400, 400),
        rowWithBody("POST /api/v1/booking/staff/schedules/{scheduleId}/suspend", "{\"reason\":\"matrix\"}",
                                                                                          401, 403, 403, 404, 403, 403),
        rowWithBody("PUT /api/v1/booking/staff/slots/{slotId}/capacity", "{\"capacity\":5}",
                                                                                          401, 403, 403, 404, 403, 403),
        row("GET /api/v1/booking/staff/appointments?date={today}",                        401, 403, 403, 200, 403, 403),
        row("GET /api/v1/booking/staff/appointments/{appointmentId}",                     401, 403, 403, 404, 403, 403),
        row("POST /api/v1/booking/staff/appointments/{appointmentId}/check-in",           401, 403, 403, 404, 403, 403),
        row("POST /api/v1/booking/staff/appointments/{appointmentId}/fulfil",             401, 403, 403, 404, 403, 403),
        row("GET /fhir/r4/Slot?schedule={scheduleId}",                                    401, 200, 200, 200, 200, 200),
        row("GET /fhir/r4/Appointment/{appointmentId}",                                   401, 200, 404, 404, 404, 404),
        // ---- booking: admin
        rowWithBody("POST /api/v1/admin/booking/hospitals", "{}",                         401, 403, 403, 403, 403, 400),
        row("PUT /api/v1/admin/booking/hospitals/{hospitalId}/staff/{random}",            401, 403, 403, 403, 403, 204),
        row("POST /api/v1/admin/booking/suspensions/{random}/lift",                       401, 403, 403, 403, 403, 404),
        // ---- billing: a citizen's accounts, bills and payments
        row("GET /api/v1/billing/accounts",                                               401, 200, 200, 200, 200, 200),
        rowWithBody("POST /api/v1/billing/accounts/links", "{}",                          401, 400, 400, 400, 400, 400),
        row("DELETE /api/v1/billing/accounts/{accountToUnlink}/link",                     401, 204, 404, 404, 404, 404),
        row("GET /api/v1/billing/accounts/links/verifications/{random}",                  401, 404, 404, 404, 404, 404),
        rowWithBody("POST /api/v1/billing/accounts/links/verifications/{random}/code", "{}",
                                                                                          401, 400, 400, 400, 400, 400),
        row("GET /api/v1/billing/link-requests",                                          401, 200, 200, 200, 200, 200),
        row("POST /api/v1/billing/link-requests/{random}/approval",                       401, 404, 404, 404, 404, 404),
        row("POST /api/v1/billing/link-requests/{random}/refusal",                        401, 404, 404, 404, 404, 404),
        row("GET /api/v1/billing/held-accounts",                                          401, 200, 200, 200, 200, 200),
        row("DELETE /api/v1/billing/held-accounts/{random}/links/{random}",               401, 404, 404, 404, 404, 404),
        row("GET /api/v1/billing/accounts/{accountId}/payments",                          401, 200, 404, 404, 404, 404),
        row("GET /api/v1/billing/bills",                                                  401, 200, 200, 200, 200, 200),
        row("GET /api/v1/billing/bills/{billId}",                                         401, 200, 404, 404, 404, 404),
        rowWithBody("POST /api/v1/billing/bills/{unpaidBillId}/payments", "{}",           401, 201, 404, 404, 404, 404),
        // Any signed-in citizen may look an account up to pay for someone else; {} names none: 400.
        rowWithBody("POST /api/v1/billing/bill-lookups", "{}",                            401, 400, 400, 400, 400, 400),
        row("GET /api/v1/billing/payments",                                               401, 200, 200, 200, 200, 200),
        row("GET /api/v1/billing/payments/{paymentId}",                                   401, 200, 404, 404, 404, 404),
        row("GET /api/v1/billing/receipts/{receiptNumber}",                               401, 200, 404, 404, 404, 404),
        // ---- billing: utility operator
        rowWithBody("POST /api/v1/billing/accounts", "{}",                                401, 403, 403, 403, 400, 403),
        rowWithBody("POST /api/v1/billing/accounts/imports", "[]",                        401, 403, 403, 403, 422, 403),
        rowWithBody("POST /api/v1/billing/readings", "{}",                                401, 403, 403, 403, 400, 403),
        rowWithBody("POST /api/v1/billing/readings/batch", "{}",                          401, 403, 403, 403, 400, 403),
        rowWithBody("POST /api/v1/billing/bill-runs", "{}",                               401, 403, 403, 403, 400, 403),
        row("POST /api/v1/billing/bills/{random}/cancellation",                           401, 403, 403, 403, 404, 403),
        rowWithBody("POST /api/v1/billing/payments/{random}/refunds", "{\"amount\":{\"amount\":\"1.00\",\"currency\":\"CNY\"}}",
                                                                                          401, 403, 403, 403, 404, 403),
        row("GET /api/v1/billing/tariffs",                                                401, 403, 403, 403, 200, 403),
        rowWithBody("POST /api/v1/billing/tariffs", "{}",                                 401, 403, 403, 403, 400, 403),
        // ---- identity and audit: admin
        row("GET /api/v1/admin/citizens/{ownerId}",                                       401, 403, 403, 403, 403, 200),
        rowWithBody("PUT /api/v1/admin/citizens/{random}/roles", "{}",                    401, 403, 403, 403, 403, 400),
        row("GET /api/v1/admin/audit",                                                    401, 403, 403, 403, 403, 200),
        row("GET /api/v1/admin/audit/verify",                                             401, 403, 403, 403, 403, 200),
        // ---- participation: a citizen's cases (the other callers are not its submitter nor staff of its department)
        open("GET /api/v1/participation/departments",                                                      200),
        open("GET /api/v1/participation/categories",                                                       200),
        open("GET /api/v1/public/cases",                                                                   200),
        open("GET /api/v1/public/cases/stats",                                                             200),
        open("GET /api/v1/public/ratings",                                                                 200),
        rowWithBody("POST /api/v1/ratings", "{}",                                         401, 400, 400, 400, 400, 400),
        rowWithBody("POST /api/v1/cases", "{}",                                           401, 400, 400, 400, 400, 400),
        row("GET /api/v1/me/cases",                                                       401, 200, 200, 200, 200, 200),
        row("GET /api/v1/cases/{caseId}",                                                 401, 200, 404, 404, 404, 404),
        rowWithBody("POST /api/v1/cases/{caseId}/information", "{\"text\":\"matrix\"}",    401, 200, 404, 404, 404, 404),
        // No body: the submitter is told to send the photo's bytes; nobody else learns the case exists.
        row("POST /api/v1/cases/{caseId}/attachments",                                    401, 400, 404, 404, 404, 404),
        row("GET /api/v1/cases/{caseId}/attachments/{random}",                            401, 404, 404, 404, 404, 404),
        row("POST /api/v1/cases/{caseToWithdraw}/withdraw",                               401, 200, 404, 404, 404, 404),
        // Not replied yet: the submitter may neither confirm nor reopen it.
        row("POST /api/v1/cases/{caseId}/confirm",                                        401, 409, 404, 404, 404, 404),
        rowWithBody("POST /api/v1/cases/{caseId}/reopen", "{\"text\":\"matrix\"}",         401, 409, 404, 404, 404, 404),
        // ---- participation: department staff (no caller is staff of a department)
        row("GET /api/v1/participation/staff/cases",                                      401, 403, 403, 403, 403, 403),
        row("POST /api/v1/participation/staff/cases/{caseId}/accept",                     401, 403, 403, 403, 403, 403),
        rowWithBody("POST /api/v1/participation/staff/cases/{caseId}/assign", "{\"assigneeId\":\"{random}\"}",
                                                                                          401, 403, 403, 403, 403, 403),
        rowWithBody("POST /api/v1/participation/staff/cases/{caseId}/reply", "{\"text\":\"matrix\"}",
                                                                                          401, 403, 403, 403, 403, 403),
        rowWithBody("POST /api/v1/participation/staff/cases/{caseId}/transfer", "{\"departmentId\":\"{random}\",\"reason\":\"m\"}",
                                                                                          401, 403, 403, 403, 403, 403),
        rowWithBody("POST /api/v1/participation/staff/cases/{caseId}/reject", "{\"reason\":\"matrix\"}",
                                                                                          401, 403, 403, 403, 403, 403),
        row("POST /api/v1/participation/staff/cases/{caseId}/release",                    401, 403, 403, 403, 403, 403),
        row("POST /api/v1/participation/staff/cases/{caseId}/close",                      401, 403, 403, 403, 403, 403),
        // ---- participation: admin
        rowWithBody("PUT /api/v1/admin/participation/departments/{random}/staff/{random}", "{\"role\":\"HANDLER\"}",
                                                                                          401, 403, 403, 403, 403, 404),
        row("DELETE /api/v1/admin/participation/departments/{random}/staff/{random}",     401, 403, 403, 403, 403, 404),
        open("GET /api/v1/participation/calendar/{calendarYear}",                            200),
        // {} lists no days: an admin gets 400 for the body; everyone else is refused first.
        rowWithBody("PUT /api/v1/admin/participation/calendar/{calendarYear}", "{}",       401, 403, 403, 403, 403, 400),
        // ---- transit: admin
        row("GET /api/v1/admin/transit/feeds/{feedId}/imports",                           401, 403, 403, 403, 403, 200),
        row("POST /api/v1/admin/transit/feeds/{feedId}/imports",                          401, 403, 403, 403, 403, 404)
    );
    // @formatter:on

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z]+)}");

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired ProviderEndpoint endpoint;
    @Autowired Clock clock;

    private final Map<Caller, String> tokenOf = new LinkedHashMap<>();
    private final Map<String, String> vars = new HashMap<>();

    @Test
    void everyDocumentedOperationHasARowAndEveryCallerGetsTheExpectedStatus() {
        Map<String, Boolean> documented = documentedOperations();
        Map<String, Row> rows = new LinkedHashMap<>();
        for (Row r : MATRIX) {
            assertThat(rows.put(normalized(r), r)).as("duplicate row %s", r.key()).isNull();
        }
        assertThat(new TreeSet<>(documented.keySet()))
                .as("operations in /v3/api-docs without a row in the matrix (add one line to MATRIX)")
                .isSubsetOf(rows.keySet());
        assertThat(new TreeSet<>(rows.keySet()))
                .as("rows naming operations that /v3/api-docs does not have").isSubsetOf(documented.keySet());

        List<String> wrong = new ArrayList<>();
        for (Row r : MATRIX) {
            boolean documentedOpen = documented.get(normalized(r));
            if (documentedOpen != r.open()) {
                wrong.add(r.key() + ": the document says " + (documentedOpen ? "public" : "needs a token") + ", the matrix says "
                        + (r.open() ? "public" : "needs a token"));
            }
            // The owner last: their call may change the resource.
            for (Caller c : List.of(Caller.NONE, Caller.OTHER_CITIZEN, Caller.OTHER_HOSPITAL_STAFF, Caller.OPERATOR,
                    Caller.ADMIN, Caller.OWNER)) {
                int expected = r.expected()[c.ordinal()];
                int actual = call(r, c);
                if (actual != expected) {
                    wrong.add(r.key() + " as " + c + ": expected " + expected + ", got " + actual);
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    private int call(Row r, Caller caller) {
        String uri = substitute(r.path());
        WebTestClient.RequestBodySpec spec = unpooled().method(HttpMethod.valueOf(r.method())).uri(uri);
        String token = tokenOf.get(caller);
        if (token != null) {
            spec.headers(h -> h.setBearerAuth(token));
        }
        spec.header("Idempotency-Key", UUID.randomUUID().toString());
        WebTestClient.RequestHeadersSpec<?> ready = r.body() == null
                ? spec
                : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(substitute(r.body()));
        try {
            var result = ready.exchange().returnResult(byte[].class);
            // Read the first chunk, then cancel: a stream (SSE) row would never end. Each call has its own
            // connection (no pool), so nothing one call leaves behind can reach the next.
            result.getResponseBody().take(1).blockLast(Duration.ofSeconds(30));
            return result.getStatus().value();
        } catch (IllegalStateException e) {
            // No answer within the client's timeout: reported as status -1 against the row, not as a stalled test.
            return -1;
        }
    }

    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    private WebTestClient unpooled;

    private WebTestClient unpooled() {
        if (unpooled == null) {
            var http = reactor.netty.http.client.HttpClient.create(reactor.netty.resources.ConnectionProvider.newConnection());
            unpooled = WebTestClient.bindToServer(new org.springframework.http.client.reactive.ReactorClientHttpConnector(http))
                    .baseUrl("http://localhost:" + port)
                    .responseTimeout(Duration.ofSeconds(30))
                    .build();
        }
        return unpooled;
    }

    private String substitute(String text) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = name.equals("random") ? UUID.randomUUID().toString() : vars.get(name);
            if (value == null) {
                throw new IllegalStateException("no fixture value for {" + name + "} in " + text);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    /** "GET /a/{x}?q=.." → "GET /a/{}": the document's and the matrix's path variables may be named differently. */
    private static String normalized(Row r) {
        return normalized(r.method(), r.path());
    }

    private static String normalized(String method, String path) {
        int query = path.indexOf('?');
        String bare = query < 0 ? path : path.substring(0, query);
        return method.toUpperCase() + " " + bare.replaceAll("\\{[^}]+}", "{}");
    }

    /** Operation → whether the document marks it public (an explicitly empty security list). */
    @SuppressWarnings("unchecked")
    private Map<String, Boolean> documentedOperations() {
        Map<String, Object> doc = web.get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody(Map.class)
                .returnResult().getResponseBody();
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
        Map<String, Boolean> ops = new LinkedHashMap<>();
        paths.forEach((path, item) -> item.forEach((method, op) -> {
            if (METHODS.contains(method)) {
                Object security = ((Map<String, Object>) op).get("security");
                ops.put(normalized(method, path), security instanceof List<?> list && list.isEmpty());
            }
        }));
        return ops;
    }

    // ------------------------------------------------------------------ fixture

    @BeforeEach
    void setUp() {
        tokenOf.put(Caller.OTHER_CITIZEN, tokens.issue(UUID.randomUUID(), Set.of(Role.CITIZEN)).value());
        tokenOf.put(Caller.OPERATOR, tokens.issue(UUID.randomUUID(), Set.of(Role.UTILITY_OPERATOR)).value());
        String admin = tokens.issue(UUID.randomUUID(), Set.of(Role.ADMIN)).value();
        tokenOf.put(Caller.ADMIN, admin);
        vars.put("today", LocalDate.now(clock.withZone(ZoneId.of("Asia/Shanghai"))).toString());
        vars.put("calendarYear", "2026");
        vars.put("feedId", "matrix-" + Long.toHexString(System.nanoTime()).substring(0, 8));
        // A citizen of the registry, so GET /admin/citizens/{ownerId} finds someone.
        String phone = city.onestop.citizen.TestCitizens.randomPhone();
        Map<?, ?> registered = web.post().uri("/api/v1/auth/register").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", phone, "password", "matrix-password", "realName", "矩阵 测试",
                        "idNumber", city.onestop.citizen.TestCitizens.randomIdNumber()))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        UUID registeredOwner = UUID.fromString((String) registered.get("id"));
        tokenOf.put(Caller.OWNER, tokens.issue(registeredOwner, Set.of(Role.CITIZEN)).value());
        vars.put("ownerId", registeredOwner.toString());

        bookingFixture(admin);
        billingFixture(registeredOwner);
        participationFixture();
    }

    private void participationFixture() {
        String owner = tokenOf.get(Caller.OWNER);
        Map<String, Object> body = Map.of("type", "COMPLAINT", "category", "TRANSIT", "title", "Matrix", "text", "Matrix case",
                "publicConsent", false, "subject", Map.of("kind", "STOP", "id", "matrix"));
        vars.put("caseId", (String) post(owner, "/api/v1/cases", body, 201).get("id"));
        vars.put("caseToWithdraw", (String) post(owner, "/api/v1/cases", body, 201).get("id"));
    }

    private Map<?, ?> post(String token, String uri, Object body, int status) {
        return web.post().uri(uri).headers(h -> h.setBearerAuth(token)).header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isEqualTo(status)
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    private String staffOf(String admin, String hospitalId) {
        UUID staff = UUID.randomUUID();
        web.put().uri("/api/v1/admin/booking/hospitals/{h}/staff/{c}", hospitalId, staff).headers(h -> h.setBearerAuth(admin))
                .exchange().expectStatus().isNoContent();
        return tokens.issue(staff, Set.of(Role.CITIZEN, Role.HOSPITAL_STAFF)).value();
    }

    private void bookingFixture(String admin) {
        Map<String, Object> hospital = Map.of("name", "Matrix Hospital " + UUID.randomUUID(), "address", "1 Matrix Road", "lat", 31.2,
                "lon", 121.4, "level", "TERTIARY_A");
        String mine = (String) post(admin, "/api/v1/admin/booking/hospitals", hospital, 201).get("id");
        String theirs = (String) post(admin, "/api/v1/admin/booking/hospitals", Map.of("name", "Other " + UUID.randomUUID(),
                "address", "2 Matrix Road", "lat", 31.2, "lon", 121.4, "level", "TERTIARY_A"), 201).get("id");
        String staff = staffOf(admin, mine);
        tokenOf.put(Caller.OTHER_HOSPITAL_STAFF, staffOf(admin, theirs));
        String department = (String) post(staff, "/api/v1/booking/staff/departments", Map.of("name", "Dept " + UUID.randomUUID()), 201)
                .get("id");
        String doctor = (String) post(staff, "/api/v1/booking/staff/doctors", Map.of("departmentId", department, "name", "Dr. Matrix",
                "title", "Attending Physician", "registrationFee", Map.of("amount", "25.00", "currency", "CNY")), 201).get("id");
        // One session a day, one slot each: a citizen holds one appointment per session.
        List<String> slots = new ArrayList<>();
        String firstSchedule = null;
        for (int day = 2; day <= 5; day++) {
            Map<?, ?> session = post(staff, "/api/v1/booking/staff/schedules", Map.of("doctorId", doctor,
                    "date", LocalDate.parse(vars.get("today")).plusDays(day).toString(), "period", "MORNING", "slotCount", 1,
                    "capacityPerSlot", 1), 201);
            firstSchedule = firstSchedule == null ? (String) session.get("scheduleId") : firstSchedule;
            slots.add((String) ((Map<?, ?>) ((List<?>) session.get("slots")).get(0)).get("slotId"));
        }
        vars.put("hospitalId", mine);
        vars.put("departmentId", department);
        vars.put("scheduleId", firstSchedule);
        vars.put("slotId", slots.get(0));
        vars.put("freeSlotId", slots.get(3));
        String owner = tokenOf.get(Caller.OWNER);
        vars.put("appointmentId", (String) post(owner, "/api/v1/booking/appointments", Map.of("slotId", slots.get(0)), 201).get("id"));
        vars.put("apptToCancel", (String) post(owner, "/api/v1/booking/appointments", Map.of("slotId", slots.get(1)), 201).get("id"));
        vars.put("apptToReschedule", (String) post(owner, "/api/v1/booking/appointments", Map.of("slotId", slots.get(2)), 201)
                .get("id"));
    }

    private void billingFixture(UUID owner) {
        BillingFixtures fx = new BillingFixtures(web, tokens, db, endpoint);
        BillingFixtures.Citizen citizen = new BillingFixtures.Citizen(owner, tokenOf.get(Caller.OWNER));
        BillingFixtures.Billed paid = fx.billedAccount(citizen, Utility.WATER, "25");
        Map<?, ?> payment = post(citizen.token(), "/api/v1/billing/bills/" + paid.billId() + "/payments", Map.of(), 201);
        BillingFixtures.Billed unpaid = fx.billedAccount(citizen, Utility.ELECTRICITY, "100");
        String spare = BillingFixtures.accountNumber();
        fx.createAccount(Utility.WATER, spare, 2);
        vars.put("accountId", paid.accountId().toString());
        vars.put("billId", paid.billId().toString());
        vars.put("unpaidBillId", unpaid.billId().toString());
        vars.put("paymentId", (String) payment.get("id"));
        vars.put("receiptNumber", (String) payment.get("receiptNumber"));
        vars.put("accountToUnlink", fx.link(citizen, Utility.WATER, spare).toString());
    }
}
