package city.onestop.notification.delivery;

import city.onestop.citizen.CitizenContacts;
import city.onestop.notification.NotificationStored;
import city.onestop.platform.SmsRejected;
import city.onestop.platform.SmsSender;
import city.onestop.platform.SmsUnavailable;
import city.onestop.platform.Texts;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The SMS channel: one text per notification to the phone on the citizen's profile ({@code citizen.CitizenContacts}),
 * through the platform's SMS client, within the citizen's daily cap (counted per local day in their time zone, in
 * the database under a per-citizen lock, so concurrent notifications count each other). Quiet hours skip it (urgent
 * types excepted, as for push). The idempotency key is the notification's id, so a redelivered event, or a retry
 * after a timeout, reaches the phone once. An unreachable provider leaves the delivery pending: the event fails and
 * the outbox retries it later; a refused number is final.
 */
@Component
class TextDelivery implements SmsDelivery {

    private static final Logger log = LoggerFactory.getLogger(TextDelivery.class);
    static final String SMS = "SMS";
    static final String PHONE = "phone";
    /** Keeps a text to a few SMS segments; the inbox and the push message carry the whole body. */
    static final int MAX_TEXT = 300;

    private final SmsSender sender;
    private final CitizenContacts contacts;
    private final DeliveryStore deliveries;
    private final Texts texts;
    private final MeterRegistry meters;
    private final Clock clock;

    TextDelivery(SmsSender sender, CitizenContacts contacts, DeliveryStore deliveries, Texts texts, MeterRegistry meters, Clock clock) {
        this.sender = sender;
        this.contacts = contacts;
        this.deliveries = deliveries;
        this.texts = texts;
        this.meters = meters;
        this.clock = clock;
    }

    @Override
    public Mono<Boolean> send(NotificationStored n, Preferences prefs, boolean quiet) {
        Instant now = clock.instant();
        if (quiet) {
            return deliveries.skip(n.notificationId(), SMS, PHONE, n.citizenId(), "quiet hours", now)
                    .doOnNext(inserted -> {
                        if (inserted) count("quiet");
                    })
                    .thenReturn(true);
        }
        Instant dayStart = now.atZone(prefs.zone()).toLocalDate().atStartOfDay(prefs.zone()).toInstant();
        return deliveries.beginSms(n.notificationId(), n.citizenId(), dayStart, prefs.smsDailyCap(), now).flatMap(status -> {
            if (status == DeliveryStore.Status.SKIPPED) {
                count("capped");
                return Mono.just(true);
            }
            if (status != DeliveryStore.Status.PENDING) return Mono.just(true);
            return contacts.findContact(n.citizenId())
                    .flatMap(contact -> text(n, contact))
                    .switchIfEmpty(Mono.defer(() -> {
                        count("no-phone");
                        return deliveries.record(n.notificationId(), SMS, PHONE, DeliveryStore.Status.REJECTED, "no phone on file",
                                clock.instant()).thenReturn(true);
                    }));
        });
    }

    private Mono<Boolean> text(NotificationStored n, CitizenContacts.Contact contact) {
        String text = texts.text("notification.sms", Texts.language(contact.language()), n.title(), n.body());
        if (text.length() > MAX_TEXT) text = text.substring(0, MAX_TEXT - 1) + "…";
        return sender.send(contact.phoneE164(), text, "notification:" + n.notificationId())
                .flatMap(receipt -> {
                    count("sent");
                    return deliveries.record(n.notificationId(), SMS, PHONE, DeliveryStore.Status.SENT, receipt.providerMessageId(),
                            clock.instant()).thenReturn(true);
                })
                .onErrorResume(SmsRejected.class, e -> {
                    count("rejected");
                    log.info("SMS provider refused the notice {} for citizen {}: {}", n.notificationId(), n.citizenId(), e.getMessage());
                    return deliveries.record(n.notificationId(), SMS, PHONE, DeliveryStore.Status.REJECTED, e.getMessage(), clock.instant())
                            .thenReturn(true);
                })
                .onErrorResume(SmsUnavailable.class, e -> {
                    count("failed");
                    log.warn("SMS provider unavailable for notice {}: {}", n.notificationId(), e.getMessage());
                    return deliveries.record(n.notificationId(), SMS, PHONE, DeliveryStore.Status.PENDING, e.getMessage(), clock.instant())
                            .thenReturn(false);
                });
    }

    private void count(String outcome) {
        meters.counter("onestop.notification.deliveries", "channel", SMS, "outcome", outcome).increment();
    }
}
