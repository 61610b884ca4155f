package city.onestop.platform.sms;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SMS provider, faked as one real HTTP server for the whole test JVM, speaking the API of docs/sms.md. The
 * test profile points {@code onestop.sms.base-url} at it ({@code fakes.SmsFakeEnvironment}), so every integration
 * test sends through the real HTTP client. Like the real provider it delivers an idempotency key once.
 */
public final class SmsFake {

    public enum Mode {
        ACCEPT,
        /** HTTP 400: the provider refuses the number. */
        REJECT,
        /** HTTP 503 without delivering. */
        ERROR
    }

    public record Message(String to, String text, String idempotencyKey, String messageId) {}

    private static final SmsFake INSTANCE = new SmsFake();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern CODE = Pattern.compile("(?<![0-9])([0-9]{6})(?![0-9])");

    private final MockWebServer server = new MockWebServer();
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.ACCEPT);
    private final Map<String, Message> byKey = new ConcurrentHashMap<>();
    private final List<Message> delivered = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    private SmsFake() {
        server.setDispatcher(new fakes.ScriptedDispatcher(this::handle));
        try {
            server.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static SmsFake get() {
        return INSTANCE;
    }

    public String url() {
        return server.url("/sms/v1").toString();
    }

    /** What the next sends get; set it back to ACCEPT when done (tests run one at a time). */
    public void mode(Mode next) {
        mode.set(next);
    }

    public int requests() {
        return requests.get();
    }

    /** Messages delivered to this number (E.164 or 11 digits), oldest first; a repeated idempotency key counts once. */
    public List<Message> messagesTo(String phone) {
        String to = phone.startsWith("+") ? phone : "+86" + phone;
        return delivered.stream().filter(m -> m.to().equals(to)).toList();
    }

    /** The 6-digit code in the last message to this number. */
    public Optional<String> lastCode(String phone) {
        List<Message> messages = messagesTo(phone);
        if (messages.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = CODE.matcher(messages.get(messages.size() - 1).text());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private MockResponse handle(RecordedRequest request) {
        requests.incrementAndGet();
        if (!"POST".equals(request.getMethod()) || !request.getUrl().encodedPath().equals("/sms/v1/messages")) {
            return new MockResponse.Builder().code(404).build();
        }
        String key = request.getHeaders().get("Idempotency-Key");
        if (key == null || request.getHeaders().get("Authorization") == null) {
            return new MockResponse.Builder().code(401).body("{\"error\":\"missing key\"}").build();
        }
        switch (mode.get()) {
            case REJECT -> {
                return json(400, "{\"error\":\"invalid number\"}");
            }
            case ERROR -> {
                return json(503, "{\"error\":\"try later\"}");
            }
            default -> {
                // accept below
            }
        }
        JsonNode body = JSON.readTree(request.getBody() == null ? "{}" : request.getBody().utf8());
        Message message = byKey.computeIfAbsent(key, k -> {
            Message m = new Message(body.get("to").asString(), body.get("text").asString(), k, "fake-" + byKey.size());
            delivered.add(m);
            return m;
        });
        return json(202, "{\"messageId\":\"" + message.messageId() + "\",\"acceptedAt\":\"2026-01-01T00:00:00Z\"}");
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

}
