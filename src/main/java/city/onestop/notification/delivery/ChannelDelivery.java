package city.onestop.notification.delivery;

import city.onestop.notification.NotificationStored;
import city.onestop.platform.OutboxConsumer;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends each stored notification to the citizen's channels beyond the inbox, after its commit (an outbox consumer of
 * {@link NotificationStored}): every Web Push device, and SMS when chosen, as the preferences say. Outside urgent
 * types nothing is sent in quiet hours (the inbox still has it). Each (notification, channel, target) is one row in
 * {@code notification_deliveries}, so a redelivered event sends nothing twice; a push failure worth retrying is
 * retried here with backoff ({@code onestop.push.attempts}), and if it still fails the event fails, so the outbox
 * retries it later (only the targets not yet served) and parks it after its limit. A device whose push service
 * answers 404 or 410 is dropped.
 */
@Component
class ChannelDelivery implements OutboxConsumer<NotificationStored> {

    private static final Logger log = LoggerFactory.getLogger(ChannelDelivery.class);
    static final String WEB_PUSH = "WEB_PUSH";
    private static final int MAX_BODY = 1000;

    private final DeviceStore devices;
    private final DeliveryStore deliveries;
    private final PreferenceStore preferences;
    private final WebPushSender push;
    private final ObjectProvider<SmsDelivery> sms;
    private final PushSettings settings;
    private final JsonMapper json;
    private final MeterRegistry meters;
    private final Clock clock;

    ChannelDelivery(DeviceStore devices, DeliveryStore deliveries, PreferenceStore preferences, WebPushSender push, ObjectProvider<SmsDelivery> sms,
            PushSettings settings, JsonMapper json, MeterRegistry meters, Clock clock) {
        this.devices = devices;
        this.deliveries = deliveries;
        this.preferences = preferences;
        this.push = push;
        this.sms = sms;
        this.settings = settings;
        this.json = json;
        this.meters = meters;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "notification.deliver";
    }

    @Override
    public Class<NotificationStored> eventType() {
        return NotificationStored.class;
    }

    /** A target that still needs sending after this attempt. */
    private record Unfinished(String what) {}

    @Override
    public Mono<Void> consume(UUID eventId, NotificationStored n) {
        return preferences.get(n.citizenId()).flatMap(prefs -> {
            Instant now = clock.instant();
            boolean quiet = !n.urgent() && prefs.inQuietHours(now);
            var channels = prefs.channelsFor(n.type());
            Flux<Unfinished> pushes = channels.contains(Preferences.Channel.WEB_PUSH) && settings.enabled()
                    ? devices.findAll(n.citizenId()).flatMap(d -> pushTo(n, d, quiet), 4)
                    : Flux.empty();
            SmsDelivery texting = sms.getIfAvailable();
            Flux<Unfinished> texts = channels.contains(Preferences.Channel.SMS) && texting != null
                    ? texting.send(n, prefs, quiet).flatMapMany(done -> done ? Flux.empty() : Flux.just(new Unfinished("SMS")))
                    : Flux.empty();
            return Flux.concat(pushes, texts).map(Unfinished::what).collectList().flatMap(left -> left.isEmpty() ? Mono.<Void>empty()
                    : Mono.error(new IllegalStateException("Notification " + n.notificationId() + " not yet delivered to " + left)));
        });
    }

    private Mono<Unfinished> pushTo(NotificationStored n, DeviceStore.Device d, boolean quiet) {
        String target = d.id().toString();
        return deliveries.begin(n.notificationId(), WEB_PUSH, target, n.citizenId(), clock.instant())
                .flatMap(status -> {
                    if (status != DeliveryStore.Status.PENDING) return Mono.<Unfinished>empty();
                    if (quiet) {
                        count("quiet");
                        return deliveries.record(n.notificationId(), WEB_PUSH, target, DeliveryStore.Status.SKIPPED, "quiet hours",
                                clock.instant()).then(Mono.<Unfinished>empty());
                    }
                    return push.send(d.endpoint(), d.p256dh(), d.auth(), payload(n), topic(n.notificationId()), n.urgent())
                            .retryWhen(Retry.backoff(Math.max(0, settings.attempts() - 1), settings.firstBackoff())
                                    .filter(WebPushSender.TransientPushFailure.class::isInstance)
                                    .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
                            .flatMap(outcome -> switch (outcome) {
                                case SENT -> {
                                    count("sent");
                                    yield deliveries.record(n.notificationId(), WEB_PUSH, target, DeliveryStore.Status.SENT, null,
                                            clock.instant());
                                }
                                case GONE -> {
                                    count("gone");
                                    log.info("Push service no longer knows device {} of citizen {}: dropped", d.id(), n.citizenId());
                                    yield devices.drop(d.id()).then(deliveries.record(n.notificationId(), WEB_PUSH, target,
                                            DeliveryStore.Status.GONE, "404/410 from the push service", clock.instant()));
                                }
                                case REJECTED -> {
                                    count("rejected");
                                    yield deliveries.record(n.notificationId(), WEB_PUSH, target, DeliveryStore.Status.REJECTED,
                                            "4xx from the push service", clock.instant());
                                }
                            })
                            .then(Mono.<Unfinished>empty())
                            .onErrorResume(WebPushSender.TransientPushFailure.class, e -> {
                                count("failed");
                                log.warn("Push to device {} failed after {} attempts: {}", d.id(), settings.attempts(), e.getMessage());
                                return deliveries.record(n.notificationId(), WEB_PUSH, target, DeliveryStore.Status.PENDING,
                                        e.getMessage(), clock.instant()).thenReturn(new Unfinished("device " + d.id()));
                            });
                });
    }

    private void count(String outcome) {
        meters.counter("onestop.notification.deliveries", "channel", WEB_PUSH, "outcome", outcome).increment();
    }

    private byte[] payload(NotificationStored n) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("notificationId", n.notificationId().toString());
        message.put("type", n.type());
        message.put("title", n.title());
        message.put("body", n.body().length() > MAX_BODY ? n.body().substring(0, MAX_BODY) : n.body());
        return json.writeValueAsString(message).getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 8030 Topic: at most 32 base64url characters; the notification id's hex digits are 32 of them. */
    static String topic(UUID notificationId) {
        return notificationId.toString().replace("-", "");
    }
}
