package city.onestop.notification.delivery;

import city.onestop.platform.PublicPaths;
import io.swagger.v3.oas.annotations.Hidden;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A push service inside the application, for the offline demo ({@code onestop.push.simulated=true}, the local
 * profile). {@code POST /simulated-push/subscriptions} plays a browser subscribing: it makes a key pair and auth
 * secret and returns the subscription to register with {@code POST /api/v1/me/devices}; messages sent to its
 * endpoint are decrypted with that key (RFC 8291) and logged, and the last 100 are listed at
 * {@code GET /simulated-push/messages}. Keys live in memory only. Not part of the API document.
 */
@Hidden
@RestController
@ConditionalOnProperty(name = "onestop.push.simulated", havingValue = "true")
class SimulatedPushService {

    private static final Logger log = LoggerFactory.getLogger(SimulatedPushService.class);
    private static final int KEEP = 100;

    private record Subscriber(KeyPair keys, byte[] auth) {}

    record Message(String subscription, Instant receivedAt, String urgency, String payload) {}

    private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();
    private final Deque<Message> messages = new ArrayDeque<>();

    @Bean
    static PublicPaths simulatedPushPaths() {
        return PublicPaths.any("/simulated-push/**");
    }

    @PostMapping("/simulated-push/subscriptions")
    Mono<Map<String, Object>> subscribe(ServerWebExchange exchange) {
        return Mono.fromCallable(() -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec("secp256r1"));
                    byte[] auth = new byte[16];
                    new SecureRandom().nextBytes(auth);
                    String token = UUID.randomUUID().toString();
                    Subscriber s = new Subscriber(g.generateKeyPair(), auth);
                    subscribers.put(token, s);
                    var uri = exchange.getRequest().getURI();
                    String endpoint = "http://localhost:" + uri.getPort() + "/simulated-push/" + token;
                    return Map.<String, Object>of("type", "WEB_PUSH", "endpoint", endpoint, "keys",
                            Map.of("p256dh", b64(uncompressed((ECPublicKey) s.keys().getPublic())), "auth", b64(auth)));
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    @PostMapping("/simulated-push/{token}")
    Mono<ResponseEntity<Void>> receive(@PathVariable String token, @RequestHeader(name = "Authorization", required = false) String authorization,
            @RequestHeader(name = "Urgency", required = false) String urgency, @RequestBody byte[] body) {
        Subscriber s = subscribers.get(token);
        if (s == null) return Mono.just(ResponseEntity.status(HttpStatus.GONE).build());
        if (authorization == null || !authorization.startsWith("vapid t=")) {
            return Mono.just(ResponseEntity.status(HttpStatus.UNAUTHORIZED).build());
        }
        return Mono.fromCallable(() -> new String(decrypt(body, s), StandardCharsets.UTF_8))
                .subscribeOn(Schedulers.boundedElastic())
                .map(payload -> {
                    log.info("[simulated push] to {}: {}", token, payload);
                    synchronized (messages) {
                        messages.addFirst(new Message(token, Instant.now(), urgency, payload));
                        while (messages.size() > KEEP) messages.removeLast();
                    }
                    return ResponseEntity.status(HttpStatus.CREATED).<Void>build();
                })
                .onErrorResume(e -> {
                    log.warn("[simulated push] could not decrypt a message to {}: {}", token, e.toString());
                    return Mono.just(ResponseEntity.badRequest().build());
                });
    }

    @GetMapping("/simulated-push/messages")
    Mono<List<Message>> messages() {
        synchronized (messages) {
            return Mono.just(List.copyOf(messages));
        }
    }

    private static byte[] decrypt(byte[] body, Subscriber s) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(body);
        byte[] salt = new byte[16];
        in.get(salt);
        in.getInt();
        byte[] senderKey = new byte[in.get() & 0xff];
        in.get(senderKey);
        byte[] ciphertext = new byte[in.remaining()];
        in.get(ciphertext);
        KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
        ecdh.init(s.keys().getPrivate());
        ecdh.doPhase(publicKey(senderKey), true);
        byte[] ikm = hmac(hmac(s.auth(), ecdh.generateSecret()), concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII),
                uncompressed((ECPublicKey) s.keys().getPublic()), senderKey, new byte[] {1}));
        byte[] prk = hmac(salt, ikm);
        byte[] cek = Arrays.copyOf(hmac(prk, concat("Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), new byte[] {1})), 16);
        byte[] nonce = Arrays.copyOf(hmac(prk, concat("Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), new byte[] {1})), 12);
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
        byte[] padded = aes.doFinal(ciphertext);
        int end = padded.length - 1;
        while (end > 0 && padded[end] == 0) end--;
        return Arrays.copyOf(padded, end);
    }

    private static ECPublicKey publicKey(byte[] point) throws Exception {
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(point, 1, 33)), new BigInteger(1, Arrays.copyOfRange(point, 33, 65)));
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, params.getParameterSpec(ECParameterSpec.class)));
    }

    private static byte[] uncompressed(ECPublicKey key) {
        byte[] out = new byte[65];
        out[0] = 4;
        byte[] x = key.getW().getAffineX().toByteArray();
        byte[] y = key.getW().getAffineY().toByteArray();
        System.arraycopy(x, Math.max(0, x.length - 32), out, 1 + 32 - Math.min(32, x.length), Math.min(32, x.length));
        System.arraycopy(y, Math.max(0, y.length - 32), out, 33 + 32 - Math.min(32, y.length), Math.min(32, y.length));
        return out;
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
}
