package city.onestop.platform;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.citizen.TestCitizens;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Attacks every operation of the served OpenAPI document as an outsider would: for every path, query, header and
 * body field, hostile values (blank, whitespace, overlong, wrong type, invalid UTF-8, NUL, lone surrogates, huge
 * numbers), and for every operation hostile requests as a whole (malformed or oversized bodies, wrong or broken
 * content types, unacceptable or broken {@code Accept}, broken tokens). Every answer must be below 500, every 4xx
 * {@code application/problem+json}, and no body may show internals (stack traces, SQL, class or package names).
 *
 * <p>The operations come from {@code /v3/api-docs} only: a new endpoint is attacked as soon as it is documented.
 * The run is deterministic (fixed values, document order) and bounded: each hostile value is sent once per field,
 * by one of the callers allowed past authorization (rotating through anonymous, a citizen, hospital staff, a
 * utility operator and an admin), and path values also anonymously, so the whole run is a few thousand requests.
 * Bodies of the privileged callers carry only the hostile field, so that nothing here can create a tariff or run
 * a bill run that other tests would see; everyone else sends a full sample body with one field made hostile.
 */
@IntegrationTest
class HostileInputIT {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    private static final String SAMPLE_UUID = "3f0e1d2c-5b6a-4c7d-8e9f-0a1b2c3d4e5f";
    private static final String MARK = "\u0001HOSTILE\u0001";

    /** A raw URL component (already percent-encoded as an attacker would send it) with a name for the report. */
    record UrlValue(String name, String raw) {}

    private static final List<UrlValue> URL_VALUES = List.of(
            new UrlValue("empty", ""),
            new UrlValue("space", "%20"),
            new UrlValue("whitespace", "%20%09%20"),
            new UrlValue("overlong", "a".repeat(1500)),
            new UrlValue("wrong type", "not-a-number-or-id"),
            new UrlValue("invalid UTF-8", "%C3%28"),
            new UrlValue("NUL", "a%00b"),
            new UrlValue("huge number", "99999999999999999999999999"),
            new UrlValue("traversal", "..%2F..%2Fetc%2Fpasswd"),
            new UrlValue("emoji and bidi", "%F0%9F%98%80%E2%80%AE"),
            new UrlValue("nil uuid", "00000000-0000-0000-0000-000000000000"),
            new UrlValue("quote and markup", "%22%3Cscript%3E'"));

    /** A raw JSON fragment put where a body field's value goes. */
    record JsonValue(String name, byte[] raw) {
        static JsonValue of(String name, String json) {
            return new JsonValue(name, json.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final List<JsonValue> JSON_VALUES = List.of(
            JsonValue.of("null", "null"),
            JsonValue.of("empty", "\"\""),
            JsonValue.of("whitespace", "\" \\t \""),
            JsonValue.of("overlong", "\"" + "x".repeat(5000) + "\""),
            JsonValue.of("NUL", "\"a\\u0000b\""),
            JsonValue.of("lone surrogate", "\"\\ud800\""),
            new JsonValue("invalid UTF-8", new byte[] {'"', 'a', (byte) 0xC3, (byte) 0x28, '"'}),
            JsonValue.of("object", "{\"a\":1}"),
            JsonValue.of("array", "[1,2]"),
            JsonValue.of("boolean", "true"),
            JsonValue.of("wrong type string", "\"not-a-number-or-id\""),
            JsonValue.of("huge integer", "123456789012345678901234567890123456789"),
            JsonValue.of("huge exponent", "1e400"),
            JsonValue.of("negative", "-1"),
            JsonValue.of("bad date", "\"2026-02-30T25:61:00+99:00\""));

    private static final List<String> HEADER_VALUES = List.of(
            "", "   ", "a".repeat(1500), "not-a-number-or-id", "\u00c3\u0028", "\u00ff\u00fe", "-1", "99999999999999999999999");

    /** Markers of internals that must never reach a client. */
    private static final Pattern INTERNALS = Pattern.compile(
            "(\\bat [a-z][\\w$]*(\\.[\\w$]+)+\\(|Exception\\b|\\bcity\\.onestop\\b|\\borg\\.springframework\\b|\\bjava\\.(lang|util|time)\\b"
                    + "|\\btools\\.jackson\\b|\\bcom\\.fasterxml\\b|\\bio\\.r2dbc\\b|\\bio\\.netty\\b|\\breactor\\.core\\b"
                    + "|\\bSQLSTATE\\b|\\bsyntax error at\\b|\\bviolates\\b|\\bINSERT INTO\\b|\\bSELECT .+ FROM\\b|\\bduplicate key\\b)");

    enum Caller { ANONYMOUS, CITIZEN, HOSPITAL_STAFF, UTILITY_OPERATOR, ADMIN }

    /** One request to send, with how to describe it in the report. */
    record Attack(String operation, String what, Caller caller, HttpMethod method, String uri, Map<String, String> headers,
            byte[] body, boolean chunked) {}

    record Answer(int status, String contentType, byte[] body) {}

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @LocalServerPort int port;

    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<Caller, String> tokenOf = new LinkedHashMap<>();
    private HttpClient http;

    @BeforeEach
    void setUp() {
        http = HttpClient.create(ConnectionProvider.newConnection())
                .baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(20));
        // Its own citizen, staff of its own hospital, an operator and an admin: nothing shared with other tests.
        TestCitizens.Registered citizen = TestCitizens.register(web);
        tokenOf.put(Caller.CITIZEN, tokens.issue(UUID.fromString(citizen.id()), Set.of(Role.CITIZEN)).value());
        tokenOf.put(Caller.UTILITY_OPERATOR, tokens.issue(UUID.randomUUID(), Set.of(Role.UTILITY_OPERATOR)).value());
        String admin = tokens.issue(UUID.randomUUID(), Set.of(Role.ADMIN)).value();
        tokenOf.put(Caller.ADMIN, admin);
        Map<?, ?> hospital = web.post().uri("/api/v1/admin/booking/hospitals").headers(h -> h.setBearerAuth(admin))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Hostile Input Hospital " + UUID.randomUUID(), "address", "1 Fuzz Road", "lat", 23.1,
                        "lon", 113.3, "level", "TERTIARY_A"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        UUID staff = UUID.randomUUID();
        web.put().uri("/api/v1/admin/booking/hospitals/{h}/staff/{c}", hospital.get("id"), staff).headers(h -> h.setBearerAuth(admin))
                .exchange().expectStatus().isNoContent();
        tokenOf.put(Caller.HOSPITAL_STAFF, tokens.issue(staff, Set.of(Role.CITIZEN, Role.HOSPITAL_STAFF)).value());
    }

    @Test
    void noDocumentedOperationAnswers5xxOrLeaksInternalsForHostileInput() throws Exception {
        byte[] docBytes = web.get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody(byte[].class)
                .returnResult().getResponseBody();
        JsonNode doc = json.readTree(docBytes);
        Path report = Path.of("target", "hostile-input");
        Files.createDirectories(report);
        Files.write(report.resolve("api-docs.json"), docBytes);

        List<Operation> operations = operations(doc);
        assertThat(operations).as("operations in /v3/api-docs").hasSizeGreaterThan(20);

        // Baseline: every operation, as every caller, with sample values; it tells who gets past authorization.
        List<Attack> baseline = new ArrayList<>();
        for (Operation op : operations) {
            for (Caller caller : Caller.values()) {
                baseline.add(op.attack("baseline", caller, op.path(Map.of()), op.query(Map.of()), Map.of(),
                        op.sampleBody(Operation.privileged(caller))));
            }
        }
        Map<Attack, Answer> answers = new LinkedHashMap<>(send(baseline));
        Map<String, List<Caller>> allowed = new LinkedHashMap<>();
        answers.forEach((attack, answer) -> {
            if (answer.status() != 401 && answer.status() != 403) {
                allowed.computeIfAbsent(attack.operation(), k -> new ArrayList<>()).add(attack.caller());
            }
        });

        List<Attack> attacks = new ArrayList<>();
        for (Operation op : operations) {
            attacks.addAll(op.attacks(allowed.getOrDefault(op.key(), List.of(Caller.values()))));
        }
        answers.putAll(send(attacks));

        List<String> violations = new ArrayList<>();
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        answers.forEach((attack, answer) -> {
            statuses.merge(answer.status(), 1, Integer::sum);
            String problem = check(answer);
            if (problem != null) {
                violations.add(attack.operation() + " [" + attack.what() + "] as " + attack.caller() + ": " + problem);
            }
        });
        Files.writeString(report.resolve("summary.txt"), "requests: " + answers.size() + "\nstatuses: " + statuses + "\n\n"
                + String.join("\n", violations) + "\n");
        assertThat(violations).as("hostile requests answered wrongly (%d requests, statuses %s; full list in %s)",
                answers.size(), statuses, report.resolve("summary.txt")).isEmpty();
    }

    private static String check(Answer a) {
        if (a.status() < 0) {
            return "no answer within the timeout";
        }
        if (a.status() >= 500) {
            return "status " + a.status() + " " + preview(a.body());
        }
        String type = a.contentType() == null ? "" : a.contentType().toLowerCase(Locale.ROOT);
        if (a.status() >= 400) {
            if (!type.startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE)) {
                return "status " + a.status() + " as '" + type + "', not application/problem+json";
            }
            String body = new String(a.body(), StandardCharsets.UTF_8);
            if (!body.contains("\"code\"")) {
                return "status " + a.status() + " problem without a code: " + preview(a.body());
            }
        }
        if (type.contains("json") || type.startsWith("text/")) {
            var m = INTERNALS.matcher(new String(a.body(), StandardCharsets.UTF_8));
            if (m.find()) {
                return "status " + a.status() + " shows internals ('" + m.group() + "'): " + preview(a.body());
            }
        }
        return null;
    }

    private static String preview(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    // ------------------------------------------------------------------ sending

    private Map<Attack, Answer> send(List<Attack> attacks) {
        Map<Attack, Answer> out = new LinkedHashMap<>();
        List<Map.Entry<Attack, Answer>> results = Flux.fromIterable(attacks)
                .flatMapSequential(a -> send(a).map(answer -> Map.entry(a, answer)), 4)
                .collectList()
                .block(Duration.ofMinutes(8));
        results.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private Mono<Answer> send(Attack a) {
        HttpClient client = http.headers(h -> {
            a.headers().forEach(h::set);
            String token = tokenOf.get(a.caller());
            if (token != null && !a.headers().containsKey("Authorization")) {
                h.set("Authorization", "Bearer " + token);
            }
            if (a.body() != null && !a.headers().containsKey("Content-Type")) {
                h.set("Content-Type", "application/json");
            }
            if (a.body() != null && a.chunked()) {
                h.set("Transfer-Encoding", "chunked");
            }
        });
        HttpClient.RequestSender sender = client.request(a.method()).uri(a.uri());
        HttpClient.ResponseReceiver<?> receiver = a.body() == null
                ? sender
                : sender.send(a.chunked()
                        ? ByteBufFlux.fromInbound(Flux.range(0, (a.body().length + 8191) / 8192).map(i -> Unpooled.wrappedBuffer(a.body(),
                                i * 8192, Math.min(8192, a.body().length - i * 8192))))
                        : ByteBufFlux.fromInbound(Mono.just(Unpooled.wrappedBuffer(a.body()))));
        return receiver.response((response, content) -> {
                    String type = response.responseHeaders().get("Content-Type");
                    int status = response.status().code();
                    if (type != null && type.startsWith("text/event-stream")) {
                        // A stream does not end: its status and type are the answer.
                        return Mono.just(new Answer(status, type, new byte[0]));
                    }
                    return content.aggregate().asByteArray().defaultIfEmpty(new byte[0]).map(b -> new Answer(status, type, b));
                })
                .next()
                .timeout(Duration.ofSeconds(30))
                .onErrorResume(e -> Mono.just(new Answer(-1, null, e.toString().getBytes(StandardCharsets.UTF_8))));
    }

    // ------------------------------------------------------------------ the document

    /** A parameter of an operation (path, query or header) with its schema. */
    record Param(String name, String in, boolean required, JsonNode schema) {}

    private List<Operation> operations(JsonNode doc) {
        List<Operation> ops = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
                if (!METHODS.contains(method.getKey())) {
                    continue;
                }
                JsonNode op = method.getValue();
                List<Param> params = new ArrayList<>();
                List<JsonNode> declared = new ArrayList<>();
                path.getValue().path("parameters").forEach(declared::add);
                op.path("parameters").forEach(declared::add);
                for (JsonNode p : declared) {
                    JsonNode resolved = resolve(doc, p);
                    params.add(new Param(resolved.path("name").asString(), resolved.path("in").asString(),
                            resolved.path("required").asBoolean(false), resolve(doc, resolved.path("schema"))));
                }
                JsonNode bodySchema = null;
                String bodyType = null;
                JsonNode content = resolve(doc, op.path("requestBody")).path("content");
                for (Map.Entry<String, JsonNode> media : content.properties()) {
                    if (bodyType == null || media.getKey().contains("json")) {
                        bodyType = media.getKey();
                        bodySchema = media.getValue().path("schema");
                    }
                }
                ops.add(new Operation(doc, method.getKey().toUpperCase(Locale.ROOT), path.getKey(), params, bodyType, bodySchema));
            }
        }
        return ops;
    }

    private static JsonNode resolve(JsonNode doc, JsonNode node) {
        int depth = 0;
        while (node != null && node.has("$ref") && depth++ < 10) {
            String ref = node.path("$ref").asString();
            node = doc.at(ref.substring(1));
        }
        return node;
    }

    final class Operation {
        final JsonNode doc;
        final String method;
        final String path;
        final List<Param> params;
        final String bodyType;
        final JsonNode bodySchema;
        private int rotation;

        Operation(JsonNode doc, String method, String path, List<Param> params, String bodyType, JsonNode bodySchema) {
            this.doc = doc;
            this.method = method;
            this.path = path;
            this.params = params;
            this.bodyType = bodyType;
            this.bodySchema = bodySchema;
        }

        String key() {
            return method + " " + path;
        }

        boolean takesBody() {
            return bodySchema != null || method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        }

        Attack attack(String what, Caller caller, String path, String query, Map<String, String> headers, byte[] body) {
            Map<String, String> h = new LinkedHashMap<>(sampleHeaders());
            if (method.equals("POST")) {
                // One key per attack, derived from it: every attack reaches the action, none replays another.
                h.put("Idempotency-Key", UUID.nameUUIDFromBytes((key() + " " + what + " " + caller).getBytes(StandardCharsets.UTF_8))
                        .toString());
            }
            h.putAll(headers);
            return new Attack(key(), what, caller, HttpMethod.valueOf(method), path + query, h, body, false);
        }

        private Map<String, String> sampleHeaders() {
            Map<String, String> h = new LinkedHashMap<>();
            for (Param p : params) {
                if (p.in().equals("header") && p.required()) {
                    h.put(p.name(), sampleText(p.schema()));
                }
            }
            if (method.equals("POST")) {
                // Deterministic per operation, so a replay is possible but never another test's key.
                h.putIfAbsent("Idempotency-Key", UUID.nameUUIDFromBytes(("hostile " + key()).getBytes(StandardCharsets.UTF_8)).toString());
            }
            return h;
        }

        String path(Map<String, String> overrides) {
            String result = path;
            for (Param p : params) {
                if (p.in().equals("path")) {
                    String value = overrides.containsKey(p.name()) ? overrides.get(p.name()) : sampleText(p.schema());
                    result = result.replace("{" + p.name() + "}", value);
                }
            }
            return result;
        }

        String query(Map<String, String> overrides) {
            StringBuilder q = new StringBuilder();
            for (Param p : params) {
                if (p.in().equals("query") && (p.required() || overrides.containsKey(p.name()))) {
                    String value = overrides.containsKey(p.name()) ? overrides.get(p.name())
                            : java.net.URLEncoder.encode(sampleText(p.schema()), StandardCharsets.UTF_8);
                    q.append(q.isEmpty() ? '?' : '&').append(p.name()).append('=').append(value);
                }
            }
            return q.toString();
        }

        byte[] sampleBody(boolean privileged) {
            if (bodySchema == null) {
                return takesBody() ? new byte[0] : null;
            }
            return privileged ? "{}".getBytes(StandardCharsets.UTF_8) : json.writeValueAsBytes(sample(bodySchema, 0));
        }

        Caller next(List<Caller> callers) {
            return callers.get(rotation++ % callers.size());
        }

        List<Attack> attacks(List<Caller> callers) {
            List<Attack> out = new ArrayList<>();
            for (Param p : params) {
                for (UrlValue v : URL_VALUES) {
                    switch (p.in()) {
                        case "path" -> {
                            String target = path(Map.of(p.name(), v.raw())) + query(Map.of());
                            Caller who = next(callers);
                            out.add(attack("path " + p.name() + " = " + v.name(), who, path(Map.of(p.name(), v.raw())), query(Map.of()),
                                    Map.of(), sampleBody(privileged(who))));
                            if (who != Caller.ANONYMOUS) {
                                out.add(new Attack(key(), "path " + p.name() + " = " + v.name(), Caller.ANONYMOUS,
                                        HttpMethod.valueOf(method), target, sampleHeaders(), sampleBody(false), false));
                            }
                        }
                        case "query" -> {
                            Caller who = next(callers);
                            out.add(attack("query " + p.name() + " = " + v.name(), who, path(Map.of()), query(Map.of(p.name(), v.raw())),
                                    Map.of(), sampleBody(privileged(who))));
                        }
                        default -> { }
                    }
                }
                if (p.in().equals("header")) {
                    for (String v : HEADER_VALUES) {
                        Caller who = next(callers);
                        out.add(attack("header " + p.name() + " = '" + shorten(v) + "'", who, path(Map.of()), query(Map.of()),
                                Map.of(p.name(), v), sampleBody(privileged(who))));
                    }
                }
            }
            if (bodySchema != null) {
                JsonNode sample = sample(bodySchema, 0);
                for (String pointer : leaves(sample, "")) {
                    for (JsonValue v : JSON_VALUES) {
                        Caller who = next(callers);
                        out.add(attack("body " + pointer + " = " + v.name(), who, path(Map.of()), query(Map.of()), Map.of(),
                                withValue(sample, pointer, v.raw(), privileged(who))));
                    }
                }
            }
            if (takesBody()) {
                String p = path(Map.of());
                String q = query(Map.of());
                byte[] big = ("{\"a\":\"" + "x".repeat(70 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
                out.add(attack("malformed JSON", next(callers), p, q, Map.of(), "{\"a\": [1, ".getBytes(StandardCharsets.UTF_8)));
                out.add(attack("invalid UTF-8 body", next(callers), p, q, Map.of(),
                        new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'}));
                out.add(attack("empty JSON body", next(callers), p, q, Map.of(), new byte[0]));
                out.add(attack("JSON array body", next(callers), p, q, Map.of(), "[{}]".getBytes(StandardCharsets.UTF_8)));
                out.add(attack("JSON scalar body", next(callers), p, q, Map.of(), "\"x\"".getBytes(StandardCharsets.UTF_8)));
                out.add(attack("JSON null body", next(callers), p, q, Map.of(), "null".getBytes(StandardCharsets.UTF_8)));
                out.add(attack("deeply nested body", next(callers), p, q, Map.of(),
                        ("[".repeat(5000) + "]".repeat(5000)).getBytes(StandardCharsets.UTF_8)));
                out.add(attack("text/plain body", next(callers), p, q, Map.of("Content-Type", "text/plain"),
                        "a=1".getBytes(StandardCharsets.UTF_8)));
                out.add(attack("XML body", next(callers), p, q, Map.of("Content-Type", "application/xml"),
                        "<a/>".getBytes(StandardCharsets.UTF_8)));
                out.add(attack("unknown charset", next(callers), p, q, Map.of("Content-Type", "application/json;charset=x-bogus"),
                        "{}".getBytes(StandardCharsets.UTF_8)));
                out.add(attack("broken content type", next(callers), p, q, Map.of("Content-Type", "application/"),
                        "{}".getBytes(StandardCharsets.UTF_8)));
                out.add(attack("multipart without boundary", next(callers), p, q, Map.of("Content-Type", "multipart/form-data"),
                        "--x\r\n".getBytes(StandardCharsets.UTF_8)));
                out.add(attack("oversized body", next(callers), p, q, Map.of(), big));
                Caller chunker = next(callers);
                out.add(new Attack(key(), "oversized chunked body", chunker, HttpMethod.valueOf(method), p + q,
                        merged(sampleHeaders(), Map.of()), big, true));
                out.add(new Attack(key(), "oversized body", Caller.ANONYMOUS, HttpMethod.valueOf(method), p + q, sampleHeaders(), big,
                        false));
            }
            String p = path(Map.of());
            String q = query(Map.of());
            byte[] body = sampleBody(false);
            Caller who = next(callers);
            out.add(attack("Accept application/xml", who, p, q, Map.of("Accept", "application/xml"), sampleBody(privileged(who))));
            who = next(callers);
            out.add(attack("broken Accept", who, p, q, Map.of("Accept", "@@@/;;;q=x"), sampleBody(privileged(who))));
            who = next(callers);
            out.add(attack("broken Accept-Language", who, p, q, Map.of("Accept-Language", "@@@;q=9,,,"), sampleBody(privileged(who))));
            out.add(attack("garbage bearer token", Caller.ANONYMOUS, p, q, Map.of("Authorization", "Bearer " + "x.y.z"), body));
            out.add(attack("overlong bearer token", Caller.ANONYMOUS, p, q, Map.of("Authorization", "Bearer " + "a".repeat(4000)), body));
            out.add(attack("basic credentials", Caller.ANONYMOUS, p, q, Map.of("Authorization", "Basic YWRtaW46YWRtaW4="), body));
            who = next(callers);
            out.add(attack("unknown query parameter", who, p, q + (q.isEmpty() ? "?" : "&") + "zz%C3%28=%C3%28", Map.of(),
                    sampleBody(privileged(who))));
            return out;
        }

        static boolean privileged(Caller who) {
            return who == Caller.UTILITY_OPERATOR || who == Caller.ADMIN;
        }

        private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
            Map<String, String> m = new LinkedHashMap<>(a);
            m.putAll(b);
            return m;
        }

        /** The sample body with the value at {@code pointer} replaced by the raw bytes {@code raw}. */
        private byte[] withValue(JsonNode sample, String pointer, byte[] raw, boolean alone) {
            JsonNode copy = alone ? only(sample, pointer) : sample.deepCopy();
            setAt(copy, pointer, JsonNodeFactory.instance.stringNode(MARK));
            byte[] text = json.writeValueAsBytes(copy);
            byte[] marker = ("\"" + MARK.replace("\u0001", "\\u0001") + "\"").getBytes(StandardCharsets.UTF_8);
            int at = indexOf(text, marker);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(text, 0, at);
            out.write(raw, 0, raw.length);
            out.write(text, at + marker.length, text.length - at - marker.length);
            return out.toByteArray();
        }

        /** A body with only the path to {@code pointer}, so a privileged call cannot do anything but fail validation. */
        private JsonNode only(JsonNode sample, String pointer) {
            String[] parts = pointer.substring(1).split("/");
            JsonNode result = sample.isArray() ? JsonNodeFactory.instance.arrayNode() : JsonNodeFactory.instance.objectNode();
            JsonNode from = sample;
            JsonNode to = result;
            for (int i = 0; i < parts.length; i++) {
                JsonNode child = from.isArray() ? from.get(Integer.parseInt(parts[i])) : from.get(parts[i]);
                JsonNode copy = i == parts.length - 1 ? child.deepCopy()
                        : child.isArray() ? JsonNodeFactory.instance.arrayNode() : JsonNodeFactory.instance.objectNode();
                if (to instanceof ArrayNode arr) {
                    arr.add(copy);
                } else {
                    ((ObjectNode) to).set(parts[i], copy);
                }
                from = child;
                to = copy;
            }
            return result;
        }

        private void setAt(JsonNode root, String pointer, JsonNode value) {
            int cut = pointer.lastIndexOf('/');
            JsonNode parent = cut == 0 ? root : root.at(pointer.substring(0, cut));
            String last = pointer.substring(cut + 1);
            if (parent instanceof ArrayNode arr) {
                arr.set(Integer.parseInt(last), value);
            } else {
                ((ObjectNode) parent).set(last, value);
            }
        }

        /** JSON pointers of the sample's leaves and containers, at most three levels deep. */
        private List<String> leaves(JsonNode node, String at) {
            List<String> out = new ArrayList<>();
            if (node.isObject()) {
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    String p = at + "/" + e.getKey();
                    out.add(p);
                    if ((e.getValue().isObject() || e.getValue().isArray()) && depth(p) < 3) {
                        out.addAll(leaves(e.getValue(), p));
                    }
                }
            } else if (node.isArray() && !node.isEmpty()) {
                String p = at + "/0";
                out.add(p);
                if ((node.get(0).isObject() || node.get(0).isArray()) && depth(p) < 3) {
                    out.addAll(leaves(node.get(0), p));
                }
            }
            return out;
        }

        private static int depth(String pointer) {
            return (int) pointer.chars().filter(c -> c == '/').count();
        }

        /** A plausible value for the schema: formats respected, enums' first value, examples when given. */
        JsonNode sample(JsonNode schemaOrRef, int depth) {
            JsonNode schema = resolve(doc, schemaOrRef);
            JsonNodeFactory f = JsonNodeFactory.instance;
            if (schema == null || schema.isMissingNode() || depth > 6) {
                return f.stringNode("x");
            }
            if (schema.has("example") && !schema.get("example").isNull()) {
                return schema.get("example");
            }
            if (schema.has("enum") && !schema.get("enum").isEmpty()) {
                return schema.get("enum").get(0);
            }
            for (String combinator : List.of("allOf", "oneOf", "anyOf")) {
                if (schema.has(combinator) && !schema.get(combinator).isEmpty()) {
                    return sample(schema.get(combinator).get(0), depth + 1);
                }
            }
            String type = schema.path("type").isArray() ? schema.path("type").get(0).asString() : schema.path("type").asString("");
            if (type.isEmpty() && schema.has("properties")) {
                type = "object";
            }
            switch (type) {
                case "object" -> {
                    ObjectNode o = f.objectNode();
                    for (Map.Entry<String, JsonNode> prop : schema.path("properties").properties()) {
                        o.set(prop.getKey(), sample(prop.getValue(), depth + 1));
                    }
                    return o;
                }
                case "array" -> {
                    ArrayNode a = f.arrayNode();
                    a.add(sample(schema.path("items"), depth + 1));
                    return a;
                }
                case "integer" -> {
                    return f.numberNode(schema.has("minimum") ? Math.max(1, schema.get("minimum").asLong()) : 1);
                }
                case "number" -> {
                    return f.numberNode(1.5);
                }
                case "boolean" -> {
                    return f.booleanNode(true);
                }
                default -> {
                    return f.stringNode(sampleText(schema));
                }
            }
        }

        private String sampleText(JsonNode schemaOrRef) {
            JsonNode schema = resolve(doc, schemaOrRef);
            if (schema == null) {
                return "x";
            }
            if (schema.has("example") && schema.get("example").isValueNode()) {
                return schema.get("example").asString();
            }
            if (schema.has("enum") && !schema.get("enum").isEmpty()) {
                return schema.get("enum").get(0).asString();
            }
            return switch (schema.path("format").asString(schema.path("type").asString(""))) {
                case "uuid" -> SAMPLE_UUID;
                case "date" -> "2030-01-15";
                case "date-time" -> "2030-01-15T09:30:00+08:00";
                case "int32", "int64", "integer" -> "1";
                case "double", "float", "number" -> "1.5";
                case "boolean" -> "true";
                default -> "sample";
            };
        }
    }

    private static String shorten(String v) {
        return v.length() > 20 ? v.substring(0, 20) + "...(" + v.length() + ")" : v;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("marker not found");
    }

}
