package city.onestop.billing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The payment provider, faked as one real HTTP server (MockWebServer) for the whole test JVM. Billing ITs
 * point the app's {@code ProviderEndpoint} bean at it, so no second Spring context is needed. Like a real
 * provider it keeps the payments it charged (by merchant reference) and answers lookups from them; what it
 * does with the next charge is set with {@link #mode}. Tests run one at a time, so a mode is not shared.
 */
public final class ProviderFake {

    public enum Mode {
        APPROVE,
        DECLINE,
        PENDING,
        /** Charges, then answers after the client's 3 s timeout. */
        TIMEOUT,
        /** HTTP 500 without charging. */
        ERROR,
        /** Declines, answering after 150 ms (long enough for a client to give up mid-call). */
        SLOW_DECLINE
    }

    private static final ProviderFake INSTANCE = new ProviderFake();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final MockWebServer server = new MockWebServer();
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.APPROVE);
    private final Map<String, String> statuses = new ConcurrentHashMap<>();
    private final Map<String, Long> amounts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> chargeRequests = new ConcurrentHashMap<>();
    private final AtomicInteger totalChargeRequests = new AtomicInteger();
    private final AtomicInteger refundRequests = new AtomicInteger();
    private final Map<String, java.util.List<String>> refundReferences = new ConcurrentHashMap<>();
    private final AtomicReference<RefundHold> refundHold = new AtomicReference<>();
    private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

    private ProviderFake() {
        server.setDispatcher(new fakes.ScriptedDispatcher(this::handle));
        try {
            server.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ProviderFake get() {
        return INSTANCE;
    }

    public URI url() {
        return server.url("/provider").uri();
    }

    public void mode(Mode next) {
        mode.set(next);
    }

    /** How many charge requests the server received for this payment (merchant reference). */
    public int chargeRequests(Object paymentId) {
        AtomicInteger n = chargeRequests.get(paymentId.toString());
        return n == null ? 0 : n.get();
    }

    /** How many status lookups the server received for this payment. */
    public int lookups(Object paymentId) {
        AtomicInteger n = lookups.get(paymentId.toString());
        return n == null ? 0 : n.get();
    }

    public int totalChargeRequests() {
        return totalChargeRequests.get();
    }

    public int refundRequests() {
        return refundRequests.get();
    }

    /** The refund references (our refund ids) of every refund request received for this payment, in order, repeats included. */
    public java.util.List<String> refundReferences(Object paymentId) {
        java.util.List<String> refs = refundReferences.get(paymentId.toString());
        return refs == null ? java.util.List.of() : java.util.List.copyOf(refs);
    }

    /**
     * Holds the answers to refund requests until {@link RefundHold#release()}: a request is counted when it arrives and
     * answered on release, so a test can act while a refund is in flight (e.g. send a retry, or have the client go away).
     */
    public RefundHold holdRefunds() {
        RefundHold hold = new RefundHold();
        refundHold.set(hold);
        return hold;
    }

    /** See {@link #holdRefunds()}. */
    public final class RefundHold {
        private final java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

        /** Whether a refund request arrived within the time. */
        public boolean awaitArrival(java.time.Duration within) throws InterruptedException {
            return arrived.await(within.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Answers the held requests, and every later one at once. */
        public void release() {
            refundHold.compareAndSet(this, null);
            released.countDown();
        }

        private void hold() {
            arrived.countDown();
            try {
                released.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What the provider reports for this payment from now on (e.g. a PENDING one settling). */
    public void settle(Object paymentId, String status) {
        statuses.put(paymentId.toString(), status);
    }

    private MockResponse handle(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        if ("POST".equals(request.getMethod()) && path.equals("/provider/payments")) {
            totalChargeRequests.incrementAndGet();
            JsonNode body = JSON.readTree(request.getBody() == null ? "{}" : request.getBody().utf8());
            String ref = body.get("merchantReference").asString();
            long amount = body.get("amountFen").asLong();
            chargeRequests.computeIfAbsent(ref, r -> new AtomicInteger()).incrementAndGet();
            Mode m = mode.get();
            amounts.putIfAbsent(ref, amount);
            if (m == Mode.ERROR) {
                return new MockResponse.Builder().code(500).body("{\"error\":\"boom\"}").build();
            }
            String status = switch (m) {
                case DECLINE, SLOW_DECLINE -> "DECLINED";
                case PENDING -> "PENDING";
                default -> "SUCCEEDED";
            };
            statuses.putIfAbsent(ref, status);
            amounts.putIfAbsent(ref, amount);
            MockResponse.Builder ok = json(ref);
            if (m == Mode.TIMEOUT) {
                ok.headersDelay(4, TimeUnit.SECONDS);
            } else if (m == Mode.SLOW_DECLINE) {
                ok.headersDelay(150, TimeUnit.MILLISECONDS);
            }
            return ok.build();
        }
        if ("GET".equals(request.getMethod()) && path.startsWith("/provider/payments/")) {
            String ref = path.substring("/provider/payments/".length());
            lookups.computeIfAbsent(ref, r -> new AtomicInteger()).incrementAndGet();
            if (!statuses.containsKey(ref)) {
                return new MockResponse.Builder().code(404).body("{\"error\":\"unknown\"}").build();
            }
            return json(ref).build();
        }
        if ("POST".equals(request.getMethod()) && path.equals("/provider/refunds")) {
            refundRequests.incrementAndGet();
            JsonNode refund = JSON.readTree(request.getBody() == null ? "{}" : request.getBody().utf8());
            refundReferences.computeIfAbsent(refund.path("merchantReference").asString(""),
                            r -> java.util.Collections.synchronizedList(new java.util.ArrayList<>()))
                    .add(refund.path("refundReference").asString(""));
            RefundHold hold = refundHold.get();
            if (hold != null) {
                hold.hold();
            }
            return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                    .body("{\"status\":\"SUCCEEDED\"}").build();
        }
        return new MockResponse.Builder().code(404).build();
    }

    private MockResponse.Builder json(String ref) {
        return new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", "application/json")
                .body("{\"providerReference\":\"fake-" + ref + "\",\"merchantReference\":\"" + ref + "\",\"status\":\""
                        + statuses.get(ref) + "\",\"amountFen\":" + amounts.get(ref) + ",\"currency\":\"CNY\"}");
    }
}
