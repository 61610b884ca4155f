package city.onestop.platform;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures;
import city.onestop.billing.Utility;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.citizen.TestCitizens;
import city.onestop.transit.TransitFixtures;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.util.UriComponents;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The served OpenAPI document is true for the main flows of the README's walk-through (register, log in, me;
 * stops, departures, arrivals and their stream; the dashboard; accounts, bills, paying with an Idempotency-Key and
 * its replay; hospitals, availability, booking, cancelling; notifications). Every request and response of the
 * flow is recorded and checked against the document: the operation exists; its path, query and header parameters
 * are declared and valid; the request body's media type is declared and the body valid against its schema; the
 * response status is declared; the response media type is declared for that status (no {@code *}{@code /*}); and
 * the body is valid against the declared schema (JSON Schema 2020-12, as OpenAPI 3.1 defines it).
 */
@IntegrationTest
class ContractIT {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired ProviderEndpoint endpoint;
    @Autowired Clock clock;

    private final JsonMapper json = JsonMapper.builder().build();
    private final List<Recorded> recorded = new ArrayList<>();

    /** One exchange of the flow. */
    record Recorded(HttpMethod method, String uri, HttpHeaders requestHeaders, byte[] requestBody, int status,
            HttpHeaders responseHeaders, byte[] responseBody) {

        String label() {
            return method + " " + uri + " -> " + status;
        }
    }

    @Test
    void theReadmeWalkThroughMatchesTheServedDocument() {
        // Register, log in, who am I
        String phone = TestCitizens.randomPhone();
        String password = "contract-Secret-9";
        Map<?, ?> registered = map(call(HttpMethod.POST, "/api/v1/auth/register", null, Map.of("phone", phone, "password",
                password, "realName", "契约 测试", "idNumber", TestCitizens.randomIdNumber()), Map.of(), 201));
        UUID citizenId = UUID.fromString((String) registered.get("id"));
        Map<?, ?> login = map(call(HttpMethod.POST, "/api/v1/auth/login", null, Map.of("phone", phone, "password", password),
                Map.of(), 200));
        String token = (String) login.get("accessToken");
        call(HttpMethod.GET, "/api/v1/me", token, null, Map.of(), 200);
        call(HttpMethod.POST, "/api/v1/auth/refresh", null, Map.of("refreshToken", login.get("refreshToken")), Map.of(), 200);

        // Buses (public): stops near, scheduled departures, live arrivals, the live stream
        TransitFixtures.demo(web, tokens, "demo");
        Map<?, ?> stops = map(call(HttpMethod.GET, "/api/v1/transit/stops?lat=23.13&lon=113.26&radius=800&feedId=demo", null,
                null, Map.of(), 200));
        String stopId = (String) ((Map<?, ?>) ((List<?>) stops.get("items")).get(0)).get("id");
        call(HttpMethod.GET, "/api/v1/transit/stops/" + stopId, null, null, Map.of(), 200);
        call(HttpMethod.GET, "/api/v1/transit/stops/" + stopId + "/departures?duration=90", null, null, Map.of(), 200);
        call(HttpMethod.GET, "/api/v1/transit/stops/" + stopId + "/arrivals?minutesBefore=5&minutesAfter=35", null, null,
                Map.of(), 200);
        stream("/api/v1/transit/stops/" + stopId + "/arrivals/stream", null);
        call(HttpMethod.GET, "/api/v1/transit/routes?feedId=demo", null, null, Map.of(), 200);
        call(HttpMethod.GET, "/api/v1/transit/stops/demo:no-such-stop", null, null, Map.of(), 404);

        // The dashboard and the notification stream
        call(HttpMethod.GET, "/api/v1/me/dashboard", token, null, Map.of(), 200);
        stream("/api/v1/me/notifications/stream", token);

        // Bills: my accounts, unpaid bills, one bill, pay it once, the retry replays
        BillingFixtures fx = new BillingFixtures(web, tokens, db, endpoint);
        BillingFixtures.Billed billed = fx.billedAccount(new BillingFixtures.Citizen(citizenId, token), Utility.WATER, "12");
        call(HttpMethod.GET, "/api/v1/billing/accounts", token, null, Map.of(), 200);
        call(HttpMethod.GET, "/api/v1/billing/bills?status=ACTIVE", token, null, Map.of(), 200);
        call(HttpMethod.GET, "/api/v1/billing/bills/" + billed.billId(), token, null, Map.of(), 200);
        String key = UUID.randomUUID().toString();
        Map<?, ?> paid = map(call(HttpMethod.POST, "/api/v1/billing/bills/" + billed.billId() + "/payments", token, Map.of(),
                Map.of("Idempotency-Key", key), 201));
        EntityExchangeResult<byte[]> replay = call(HttpMethod.POST, "/api/v1/billing/bills/" + billed.billId() + "/payments",
                token, Map.of(), Map.of("Idempotency-Key", key), 201);
        assertThat(replay.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        call(HttpMethod.POST, "/api/v1/billing/bills/" + billed.billId() + "/payments", token, Map.of(), Map.of(), 400);
        call(HttpMethod.GET, "/api/v1/billing/payments", token, null, Map.of(), 200);
        call(HttpMethod.GET, "/api/v1/billing/payments/" + paid.get("id"), token, null, Map.of(), 200);
        call(HttpMethod.GET, "/api/v1/billing/receipts/" + paid.get("receiptNumber"), token, null, Map.of(), 200);

        // Hospitals: a hospital of this test, a free slot, book it, see it, cancel it
        String slotId = bookableSlot();
        Map<?, ?> hospitals = map(call(HttpMethod.GET, "/api/v1/booking/hospitals", null, null, Map.of(), 200));
        assertThat((List<?>) hospitals.get("items")).isNotEmpty();
        call(HttpMethod.GET, "/api/v1/booking/hospitals/" + hospitalId, null, null, Map.of(), 200);
        call(HttpMethod.GET, "/api/v1/booking/hospitals/" + hospitalId + "/departments", null, null, Map.of(), 200);
        call(HttpMethod.GET, "/api/v1/booking/availability?departmentId=" + departmentId + "&from=" + today().plusDays(1) + "&to="
                + today().plusDays(4), null, null, Map.of(), 200);
        Map<?, ?> appointment = map(call(HttpMethod.POST, "/api/v1/booking/appointments", token, Map.of("slotId", slotId),
                Map.of("Idempotency-Key", UUID.randomUUID().toString()), 201));
        call(HttpMethod.GET, "/api/v1/booking/appointments/" + appointment.get("id"), token, null, Map.of(), 200);
        call(HttpMethod.GET, "/api/v1/booking/appointments", token, null, Map.of(), 200);
        call(HttpMethod.POST, "/api/v1/booking/appointments/" + appointment.get("id") + "/cancel", token, null, Map.of(), 200);

        // Notifications (paying and booking wrote some)
        call(HttpMethod.GET, "/api/v1/me/notifications", token, null, Map.of(), 200);
        call(HttpMethod.GET, "/api/v1/me/activity", token, null, Map.of(), 200);

        // And a few errors of the flow: no token, a malformed body, a wrong media type
        call(HttpMethod.GET, "/api/v1/me", null, null, Map.of(), 401);
        call(HttpMethod.POST, "/api/v1/auth/login", null, "{\"phone\":", Map.of(), 400);
        call(HttpMethod.GET, "/api/v1/billing/bills/" + UUID.randomUUID(), token, null, Map.of(), 404);

        List<String> violations = validateAll();
        assertThat(recorded).hasSizeGreaterThan(30);
        assertThat(violations).as("requests and responses that the served document does not describe").isEmpty();
    }

    // ------------------------------------------------------------------ the flow's fixtures

    private String hospitalId;
    private String departmentId;

    private LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneId.of("Asia/Shanghai")));
    }

    /** A hospital, department, doctor and one released session two days ahead, made through the API as an admin and staff. */
    private String bookableSlot() {
        String admin = tokens.issue(UUID.randomUUID(), Set.of(Role.ADMIN)).value();
        hospitalId = (String) map(call(HttpMethod.POST, "/api/v1/admin/booking/hospitals", admin, Map.of("name",
                "Contract Hospital " + UUID.randomUUID(), "address", "1 Contract Road", "lat", 23.12, "lon", 113.25, "level",
                "TERTIARY_A"), Map.of(), 201)).get("id");
        UUID staffId = UUID.randomUUID();
        call(HttpMethod.PUT, "/api/v1/admin/booking/hospitals/" + hospitalId + "/staff/" + staffId, admin, null, Map.of(), 204);
        String staff = tokens.issue(staffId, Set.of(Role.CITIZEN, Role.HOSPITAL_STAFF)).value();
        departmentId = (String) map(call(HttpMethod.POST, "/api/v1/booking/staff/departments", staff,
                Map.of("name", "Contract Dept " + UUID.randomUUID()), Map.of(), 201)).get("id");
        String doctorId = (String) map(call(HttpMethod.POST, "/api/v1/booking/staff/doctors", staff, Map.of("departmentId",
                departmentId, "name", "Dr. Contract", "title", "Attending Physician", "registrationFee",
                Map.of("amount", "25.00", "currency", "CNY")), Map.of(), 201)).get("id");
        Map<?, ?> session = map(call(HttpMethod.POST, "/api/v1/booking/staff/schedules", staff, Map.of("doctorId", doctorId,
                "date", today().plusDays(2).toString(), "period", "MORNING", "slotCount", 2, "capacityPerSlot", 2), Map.of(),
                201));
        return (String) ((Map<?, ?>) ((List<?>) session.get("slots")).get(0)).get("slotId");
    }

    // ------------------------------------------------------------------ recording

    private EntityExchangeResult<byte[]> call(HttpMethod method, String uri, String token, Object body,
            Map<String, String> headers, int expectedStatus) {
        WebTestClient.RequestBodySpec spec = web.method(method).uri(uri);
        if (token != null) {
            spec.headers(h -> h.setBearerAuth(token));
        }
        headers.forEach(spec::header);
        WebTestClient.RequestHeadersSpec<?> ready;
        if (body == null) {
            ready = spec;
        } else {
            byte[] bytes = body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : json.writeValueAsBytes(body);
            ready = spec.contentType(MediaType.APPLICATION_JSON).bodyValue(bytes);
        }
        EntityExchangeResult<byte[]> result = ready.exchange().expectBody().returnResult();
        recorded.add(new Recorded(method, uri, result.getRequestHeaders(), result.getRequestBodyContent(),
                result.getStatus().value(), result.getResponseHeaders(), result.getResponseBodyContent()));
        assertThat(result.getStatus().value()).as("%s %s: %s", method, uri, new String(body(result), StandardCharsets.UTF_8))
                .isEqualTo(expectedStatus);
        return result;
    }

    private static byte[] body(EntityExchangeResult<byte[]> result) {
        return result.getResponseBodyContent() == null ? new byte[0] : result.getResponseBodyContent();
    }

    /** A stream's first event: its status and media type are recorded, its body is not a JSON document. */
    private void stream(String uri, String token) {
        WebTestClient.RequestHeadersSpec<?> spec = web.get().uri(uri).accept(MediaType.TEXT_EVENT_STREAM);
        if (token != null) {
            spec = spec.headers(h -> h.setBearerAuth(token));
        }
        FluxExchangeResult<byte[]> result = spec.exchange().returnResult(byte[].class);
        result.getResponseBody().take(1).blockLast(Duration.ofSeconds(30));
        recorded.add(new Recorded(HttpMethod.GET, uri, result.getRequestHeaders(), null, result.getStatus().value(),
                result.getResponseHeaders(), null));
        assertThat(result.getStatus().value()).as(uri).isEqualTo(200);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(EntityExchangeResult<byte[]> result) {
        return json.readValue(body(result), Map.class);
    }

    // ------------------------------------------------------------------ validating

    private JsonNode doc;
    private SchemaRegistry schemas;
    private final Map<String, Schema> compiled = new LinkedHashMap<>();

    private List<String> validateAll() {
        doc = json.readTree(web.get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody(byte[].class).returnResult()
                .getResponseBody());
        schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        List<String> violations = new ArrayList<>();
        for (Recorded r : recorded) {
            validate(r, violations);
        }
        return violations;
    }

    private void validate(Recorded r, List<String> violations) {
        UriComponents uri = UriComponentsBuilder.fromUriString(r.uri()).build();
        String path = uri.getPath();
        Map.Entry<String, JsonNode> template = findPath(path);
        if (template == null) {
            violations.add(r.label() + ": no path of the document matches " + path);
            return;
        }
        JsonNode op = template.getValue().path(r.method().name().toLowerCase(Locale.ROOT));
        if (op.isMissingNode()) {
            violations.add(r.label() + ": " + template.getKey() + " has no " + r.method() + " operation");
            return;
        }
        String where = r.method() + " " + template.getKey() + " (" + r.status() + ")";

        // Parameters: every one sent is declared, every required one is sent, each value fits its schema.
        List<JsonNode> params = new ArrayList<>();
        template.getValue().path("parameters").forEach(p -> params.add(resolve(p)));
        op.path("parameters").forEach(p -> params.add(resolve(p)));
        Map<String, String> pathValues = pathValues(template.getKey(), path);
        Map<String, List<String>> query = uri.getQueryParams();
        for (String name : query.keySet()) {
            boolean declared = params.stream().anyMatch(p -> p.path("in").asString().equals("query") && p.path("name").asString().equals(name));
            if (!declared) {
                violations.add(where + ": query parameter '" + name + "' is not declared");
            }
        }
        for (JsonNode p : params) {
            String name = p.path("name").asString();
            String value = switch (p.path("in").asString()) {
                case "path" -> pathValues.get(name);
                case "query" -> query.containsKey(name) ? decode(query.get(name).get(0)) : null;
                case "header" -> r.requestHeaders().getFirst(name);
                default -> null;
            };
            if (value == null) {
                if (p.path("required").asBoolean(false) && r.status() < 400) {
                    violations.add(where + ": required " + p.path("in").asString() + " parameter '" + name + "' was not sent");
                }
                continue;
            }
            JsonNode schema = p.path("schema");
            check(where + " parameter '" + name + "'", schema, typed(value, resolve(schema)), violations);
        }

        // The request body: a declared media type, a valid body.
        if (r.requestBody() != null && r.requestBody().length > 0 && r.status() != 400) {
            MediaType type = r.requestHeaders().getContentType();
            JsonNode content = resolve(op.path("requestBody")).path("content");
            JsonNode media = mediaFor(content, type);
            if (media == null) {
                violations.add(where + ": request media type " + type + " is not declared (declared: " + content.propertyNames() + ")");
            } else if (type != null && type.getSubtype().contains("json")) {
                check(where + " request body", media.path("schema"), json.readTree(r.requestBody()), violations);
            }
        }

        // The response: a declared status, a declared media type (never */*), a valid body.
        JsonNode responses = op.path("responses");
        JsonNode response = responses.has(Integer.toString(r.status())) ? responses.get(Integer.toString(r.status()))
                : responses.has(r.status() / 100 + "XX") ? responses.get(r.status() / 100 + "XX") : responses.get("default");
        if (response == null) {
            violations.add(where + ": status " + r.status() + " is not declared (declared: " + responses.propertyNames() + ")");
            return;
        }
        response = resolve(response);
        MediaType type = r.responseHeaders().getContentType();
        JsonNode content = response.path("content");
        if (type == null) {
            if (r.responseBody() != null && r.responseBody().length > 0) {
                violations.add(where + ": a body without a Content-Type");
            }
            return;
        }
        if (content.has("*/*")) {
            violations.add(where + ": the document declares */* instead of the real media type " + type);
        }
        JsonNode media = mediaFor(content, type);
        if (media == null) {
            violations.add(where + ": response media type " + type + " is not declared (declared: " + content.propertyNames() + ")");
        } else if (r.responseBody() != null && type.getSubtype().contains("json") && r.responseBody().length > 0) {
            check(where + " response body", media.path("schema"), json.readTree(r.responseBody()), violations);
        }
    }

    private static String decode(String value) {
        return java.net.URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    /** The declared media type the sent one is an instance of (exact type and subtype, parameters ignored). */
    private static JsonNode mediaFor(JsonNode content, MediaType type) {
        if (type == null) {
            return null;
        }
        for (Map.Entry<String, JsonNode> declared : content.properties()) {
            MediaType d = MediaType.parseMediaType(declared.getKey());
            if (d.getType().equals(type.getType()) && d.getSubtype().equals(type.getSubtype())) {
                return declared.getValue();
            }
        }
        return null;
    }

    private void check(String what, JsonNode schemaNode, JsonNode instance, List<String> violations) {
        if (schemaNode == null || schemaNode.isMissingNode()) {
            violations.add(what + ": no schema declared");
            return;
        }
        Schema schema = compiled.computeIfAbsent(schemaNode.toString(), k -> {
            // The schema with the document's components beside it, so "#/components/schemas/X" resolves.
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            root.set("allOf", JsonNodeFactory.instance.arrayNode().add(schemaNode));
            root.set("components", doc.path("components"));
            return schemas.getSchema(root.toString());
        });
        List<Error> errors = schema.validate(instance);
        for (Error e : errors) {
            violations.add(what + ": " + e.getInstanceLocation() + " " + e.getMessage());
        }
    }

    /** A parameter's text as the JSON value its schema expects, so a number parameter is checked as a number. */
    private static JsonNode typed(String value, JsonNode schema) {
        String type = schema.path("type").isArray() ? schema.path("type").get(0).asString() : schema.path("type").asString("");
        JsonNodeFactory f = JsonNodeFactory.instance;
        try {
            return switch (type) {
                case "integer" -> f.numberNode(new java.math.BigInteger(value));
                case "number" -> f.numberNode(new java.math.BigDecimal(value));
                case "boolean" -> value.equals("true") || value.equals("false") ? f.booleanNode(Boolean.parseBoolean(value)) : f.stringNode(value);
                default -> f.stringNode(value);
            };
        } catch (NumberFormatException e) {
            return f.stringNode(value);
        }
    }

    private JsonNode resolve(JsonNode node) {
        int depth = 0;
        while (node != null && node.has("$ref") && depth++ < 10) {
            node = doc.at(node.path("$ref").asString().substring(1));
        }
        return node;
    }

    /** The document's path template matching {@code path}, preferring literal segments over variables. */
    private Map.Entry<String, JsonNode> findPath(String path) {
        Map.Entry<String, JsonNode> best = null;
        int bestVariables = Integer.MAX_VALUE;
        for (Map.Entry<String, JsonNode> p : doc.path("paths").properties()) {
            if (pattern(p.getKey()).matcher(path).matches()) {
                int variables = p.getKey().split("\\{", -1).length - 1;
                if (variables < bestVariables) {
                    best = p;
                    bestVariables = variables;
                }
            }
        }
        return best;
    }

    private static Pattern pattern(String template) {
        StringBuilder regex = new StringBuilder();
        Matcher m = Pattern.compile("\\{([^}]+)}").matcher(template);
        int at = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(at, m.start()))).append("(?<").append(groupName(m.group(1))).append(">[^/]+)");
            at = m.end();
        }
        regex.append(Pattern.quote(template.substring(at)));
        return Pattern.compile(regex.toString());
    }

    private static String groupName(String variable) {
        return "v" + variable.replaceAll("[^A-Za-z0-9]", "");
    }

    private static Map<String, String> pathValues(String template, String path) {
        Map<String, String> values = new LinkedHashMap<>();
        Matcher m = pattern(template).matcher(path);
        if (m.matches()) {
            Matcher names = Pattern.compile("\\{([^}]+)}").matcher(template);
            while (names.find()) {
                values.put(names.group(1), decode(m.group(groupName(names.group(1)))));
            }
        }
        return values;
    }
}
