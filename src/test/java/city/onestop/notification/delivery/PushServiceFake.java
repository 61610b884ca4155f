package city.onestop.notification.delivery;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A push service (RFC 8030) as a real HTTP server, written from the receiving side and independent of the
 * application's sender: for each message it checks the VAPID authorization (RFC 8292: {@code vapid t=JWT, k=key},
 * ES256 signature over the JWT with that key, {@code aud} the endpoint's origin, {@code exp} within 24 h, a
 * {@code sub}) and the key against the one the application publishes, then decrypts the body (RFC 8291 /
 * RFC 8188 aes128gcm) with the subscriber's private key and auth secret, as a browser would. Like a push service it
 * keeps one message per (subscription, Topic): a message sent again with the same topic replaces the first.
 * One instance per test JVM; tests run one at a time.
 */
public final class PushServiceFake {

    private static final PushServiceFake INSTANCE = new PushServiceFake();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A browser's subscription: its key pair and auth secret, and the endpoint the push service gave it. */
    public record Subscriber(String token, KeyPair keys, byte[] auth, String endpoint) {

        public String p256dh() {
            return b64(uncompressed((ECPublicKey) keys.getPublic()));
        }

        public String authSecret() {
            return b64(auth);
        }
    }

    /** One decrypted message as the subscriber sees it. */
    public record Received(String token, String topic, String urgency, JsonNode payload, Instant at) {}

    private final MockWebServer server = new MockWebServer();
    private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Received>> held = new ConcurrentHashMap<>();
    private final List<Received> requests = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Map<String, ConcurrentLinkedQueue<Integer>> scripted = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger arrivals = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> posts = new ConcurrentHashMap<>();
    private volatile String applicationServerKey = "";
    private volatile Duration delay = Duration.ZERO;

    private PushServiceFake() {
        server.setDispatcher(new fakes.ScriptedDispatcher(this::handle));
        try {
            server.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PushServiceFake get() {
        return INSTANCE;
    }

    /** The key the application publishes; every message must be signed with its private half. */
    public void expectKey(String applicationServerKey) {
        this.applicationServerKey = applicationServerKey;
    }

    /** How long the service waits before answering each message (to stop a relay while messages are in flight). */
    public void delay(Duration d) {
        this.delay = d;
    }

    /** A new browser subscription (fresh P-256 key pair and 16-byte auth secret). */
    public Subscriber subscribe() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            byte[] auth = new byte[16];
            new SecureRandom().nextBytes(auth);
            String token = UUID.randomUUID().toString();
            Subscriber s = new Subscriber(token, g.generateKeyPair(), auth, server.url("/push/" + token).toString());
            subscribers.put(token, s);
            return s;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next answers for this subscriber's messages (e.g. 500 then 201, or 410), before the default 201. */
    public void answer(Subscriber s, Integer... statuses) {
        scripted.computeIfAbsent(s.token(), t -> new ConcurrentLinkedQueue<>()).addAll(List.of(statuses));
    }

    /** The messages the subscriber holds now: one per topic. */
    public List<Received> held(Subscriber s) {
        return new ArrayList<>(held.getOrDefault(s.token(), Map.of()).values());
    }

    /** Every accepted, decrypted request for this subscriber (a redelivery shows twice here, once in {@link #held}). */
    public List<Received> requests(Subscriber s) {
        return requests.stream().filter(r -> r.token().equals(s.token())).toList();
    }

    /** Messages that reached the service so far (counted when they arrive, before any answer). */
    public int arrivals() {
        return arrivals.get();
    }

    /** Every POST for this subscriber, whatever was answered. */
    public int posts(Subscriber s) {
        var n = posts.get(s.token());
        return n == null ? 0 : n.get();
    }

    /** Protocol violations seen (a bad signature, an undecryptable body...): tests expect none. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    private MockResponse handle(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        if (!"POST".equals(request.getMethod()) || !path.startsWith("/push/")) {
            return new MockResponse.Builder().code(404).build();
        }
        String token = path.substring("/push/".length());
        arrivals.incrementAndGet();
        posts.computeIfAbsent(token, t -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        Subscriber s = subscribers.get(token);
        if (s == null) return new MockResponse.Builder().code(410).build();
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis()); // MockWebServer's own thread, not the application's
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            verifyVapid(request, s);
            if (!"aes128gcm".equals(request.getHeaders().get("Content-Encoding"))) throw new IllegalArgumentException("Content-Encoding");
            if (request.getHeaders().get("TTL") == null) throw new IllegalArgumentException("no TTL header");
            byte[] plain = decrypt(request.getBody().toByteArray(), s);
            String topic = request.getHeaders().get("Topic");
            Received r = new Received(token, topic == null ? UUID.randomUUID().toString() : topic,
                    String.valueOf(request.getHeaders().get("Urgency")), JSON.readTree(new String(plain, StandardCharsets.UTF_8)),
                    Instant.now());
            Integer status = scripted.getOrDefault(token, new ConcurrentLinkedQueue<>()).poll();
            if (status != null && status != 201) {
                if (status == 410 || status == 404) subscribers.remove(token);
                return new MockResponse.Builder().code(status).build();
            }
            requests.add(r);
            held.computeIfAbsent(token, t -> new ConcurrentHashMap<>()).put(r.topic(), r);
            return new MockResponse.Builder().code(201).addHeader("Location", "/message/" + UUID.randomUUID()).build();
        } catch (Exception e) {
            violations.add(token + ": " + e);
            return new MockResponse.Builder().code(400).body(e.toString()).build();
        }
    }

    /** RFC 8292: Authorization: vapid t=JWT, k=base64url(uncompressed P-256 key). */
    private void verifyVapid(RecordedRequest request, Subscriber s) throws Exception {
        String header = request.getHeaders().get("Authorization");
        if (header == null || !header.startsWith("vapid ")) throw new IllegalArgumentException("no vapid authorization");
        String t = null;
        String k = null;
        for (String part : header.substring(6).split(",")) {
            String p = part.trim();
            if (p.startsWith("t=")) t = p.substring(2);
            if (p.startsWith("k=")) k = p.substring(2);
        }
        if (t == null || k == null) throw new IllegalArgumentException("vapid needs t and k");
        if (!k.equals(applicationServerKey)) throw new IllegalArgumentException("k is not the application's published key");
        String[] jwt = t.split("\\.");
        if (jwt.length != 3) throw new IllegalArgumentException("JWT must have three parts");
        JsonNode head = JSON.readTree(unb64(jwt[0]));
        if (!"ES256".equals(head.path("alg").asString())) throw new IllegalArgumentException("alg must be ES256");
        Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(publicKey(unb64(k)));
        verifier.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
        if (!verifier.verify(unb64(jwt[2]))) throw new IllegalArgumentException("JWT signature does not verify with k");
        JsonNode claims = JSON.readTree(unb64(jwt[1]));
        var url = java.net.URI.create(s.endpoint());
        String origin = url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort());
        if (!origin.equals(claims.path("aud").asString())) throw new IllegalArgumentException("aud " + claims.path("aud") + " is not " + origin);
        long exp = claims.path("exp").asLong();
        long now = Instant.now().getEpochSecond();
        if (exp <= now || exp > now + 24 * 3600) throw new IllegalArgumentException("exp must be within 24 hours");
        String sub = claims.path("sub").asString();
        if (!(sub.startsWith("mailto:") || sub.startsWith("https:"))) throw new IllegalArgumentException("sub must be mailto: or https:");
    }

    /** RFC 8291 section 3.4 and RFC 8188 section 2, one record. */
    private static byte[] decrypt(byte[] body, Subscriber s) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(body);
        byte[] salt = new byte[16];
        in.get(salt);
        int rs = in.getInt();
        int idlen = in.get() & 0xff;
        byte[] senderKey = new byte[idlen];
        in.get(senderKey);
        byte[] ciphertext = new byte[in.remaining()];
        in.get(ciphertext);
        if (idlen != 65) throw new IllegalArgumentException("keyid must be the sender's 65-byte public key");
        if (ciphertext.length > rs) throw new IllegalArgumentException("more than one record");

        KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
        ecdh.init(s.keys().getPrivate());
        ecdh.doPhase(publicKey(senderKey), true);
        byte[] secret = ecdh.generateSecret();
        byte[] uaPublic = uncompressed((ECPublicKey) s.keys().getPublic());

        byte[] prkKey = hmac(s.auth(), secret);
        byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), uaPublic, senderKey, new byte[] {1});
        byte[] ikm = hmac(prkKey, keyInfo);
        byte[] prk = hmac(salt, ikm);
        byte[] cek = Arrays.copyOf(hmac(prk, concat("Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), new byte[] {1})), 16);
        byte[] nonce = Arrays.copyOf(hmac(prk, concat("Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), new byte[] {1})), 12);

        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
        byte[] padded = aes.doFinal(ciphertext);
        int end = padded.length - 1;
        while (end >= 0 && padded[end] == 0) end--;
        if (end < 0 || padded[end] != 2) throw new IllegalArgumentException("the last record must end with delimiter 0x02");
        return Arrays.copyOf(padded, end);
    }

    private static ECPublicKey publicKey(byte[] uncompressed) throws Exception {
        if (uncompressed.length != 65 || uncompressed[0] != 4) throw new IllegalArgumentException("not an uncompressed P-256 point");
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(uncompressed, 1, 33)),
                new BigInteger(1, Arrays.copyOfRange(uncompressed, 33, 65)));
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
    }

    static byte[] uncompressed(ECPublicKey key) {
        byte[] out = new byte[65];
        out[0] = 4;
        copy32(key.getW().getAffineX(), out, 1);
        copy32(key.getW().getAffineY(), out, 33);
        return out;
    }

    private static void copy32(BigInteger n, byte[] out, int at) {
        byte[] b = n.toByteArray();
        int len = Math.min(b.length, 32);
        System.arraycopy(b, b.length - len, out, at + 32 - len, len);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static byte[] unb64(String s) {
        return Base64.getUrlDecoder().decode(s);
    }

    /** For waits in tests. */
    public static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
