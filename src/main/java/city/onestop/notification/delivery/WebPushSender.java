package city.onestop.notification.delivery;

import com.interaso.webpush.WebPush;
import java.net.URI;
import java.util.Base64;
import java.util.Map;
import io.netty.channel.ChannelOption;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * Sends one Web Push message (RFC 8030) to a device's push service: the payload encrypted for the device (RFC 8291,
 * aes128gcm) and the request signed with our VAPID key (RFC 8292, an ES256 JWT), both by the
 * {@code com.interaso:webpush} library; the HTTP call is ours (WebClient, a timeout). The {@code Topic} header names
 * the notification, so a message sent twice (a redelivery) replaces the first at the push service while undelivered.
 */
@Component
class WebPushSender {

    /** What the push service answered. */
    enum Outcome {
        /** 201 (or another 2xx): accepted for delivery. */
        SENT,
        /** 404 or 410: the subscription is gone; drop the device. */
        GONE,
        /** Another 4xx (bad request, payload too large, bad VAPID): retrying would not help. */
        REJECTED
    }

    /** A failure worth retrying: a timeout, a refused connection, 429 or 5xx. */
    static final class TransientPushFailure extends RuntimeException {
        TransientPushFailure(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private final WebClient http;
    private final VapidKeyring keyring;
    private final PushSettings settings;

    WebPushSender(VapidKeyring keyring, PushSettings settings) {
        // Boot 4 ships the WebClient.Builder auto-configuration in a module we do not use: our own client, bounded.
        HttpClient client = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(settings.timeout().toMillis(), 5000))
                .responseTimeout(settings.timeout());
        this.http = WebClient.builder().clientConnector(new ReactorClientHttpConnector(client)).build();
        this.keyring = keyring;
        this.settings = settings;
    }

    Mono<Outcome> send(String endpoint, String p256dh, String auth, byte[] payload, String topic, boolean urgent) {
        // Encryption and signing read SecureRandom (file I/O on some platforms): off the event loop.
        return Mono.fromCallable(() -> {
                    WebPush push = new WebPush(settings.subject(), keyring.keys());
                    byte[] body = push.getBody(payload, decode(p256dh), decode(auth));
                    Map<String, String> headers = push.getHeaders(endpoint, (int) settings.ttl().toSeconds(), topic,
                            urgent ? WebPush.Urgency.High : WebPush.Urgency.Normal);
                    return new Request(body, headers);
                })
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(r -> http.post()
                        .uri(URI.create(endpoint))
                        .headers(h -> r.headers().forEach(h::set))
                        .bodyValue(r.body())
                        .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode()))
                        .timeout(settings.timeout()))
                .map(WebPushSender::outcome)
                .onErrorMap(e -> !(e instanceof TransientPushFailure) && (e instanceof WebClientRequestException
                                || e instanceof java.util.concurrent.TimeoutException),
                        e -> new TransientPushFailure("push service unreachable: " + e.getMessage(), e));
    }

    private static Outcome outcome(HttpStatusCode status) {
        if (status.is2xxSuccessful()) return Outcome.SENT;
        if (status.value() == 404 || status.value() == 410) return Outcome.GONE;
        if (status.value() == 429 || status.is5xxServerError()) {
            throw new TransientPushFailure("push service answered " + status.value(), null);
        }
        return Outcome.REJECTED;
    }

    private static byte[] decode(String base64url) {
        return Base64.getUrlDecoder().decode(base64url.trim().replace('+', '-').replace('/', '_').replace("=", ""));
    }

    private record Request(byte[] body, Map<String, String> headers) {}
}
