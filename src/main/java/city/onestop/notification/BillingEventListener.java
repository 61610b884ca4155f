package city.onestop.notification;

import city.onestop.billing.BillIssued;
import city.onestop.billing.PaymentRefunded;
import city.onestop.billing.PaymentSucceeded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Turns billing's events into notifications. Each dedup key names the event's own id (bill, payment, refund), so a
 * repeated event (a success reported by both the callback and the reconciler) stores one notification.
 */
@Component
class BillingEventListener {

    private static final Logger log = LoggerFactory.getLogger(BillingEventListener.class);

    private final Notifications notifications;
    private final NotificationTexts texts;

    BillingEventListener(Notifications notifications, NotificationTexts texts) {
        this.notifications = notifications;
        this.texts = texts;
    }

    Mono<Void> on(BillIssued event) {
        return Flux.fromIterable(event.citizenIds())
                .concatMap(citizen -> texts.languageOf(citizen).flatMap(l -> notifications.notify(citizen, "BILL_ISSUED",
                        texts.text("notification.BILL_ISSUED.title", l),
                        texts.text("notification.BILL_ISSUED.body", l, texts.text("utility." + event.utility().name(), l), event.period(),
                                texts.money(event.total(), l), event.dueDate().toString()),
                        "bill-issued:" + event.billId())))
                .doOnError(e -> log.warn("Could not store the new-bill notice for bill {}", event.billId(), e))
                .then();
    }

    Mono<Void> on(PaymentSucceeded event) {
        return texts.languageOf(event.citizenId()).flatMap(l -> notifications.notify(event.citizenId(), "PAYMENT_SUCCEEDED",
                        texts.text("notification.PAYMENT_SUCCEEDED.title", l),
                        event.receiptNumber() == null
                                ? texts.text("notification.PAYMENT_SUCCEEDED.body", l, texts.money(event.amount(), l))
                                : texts.text("notification.PAYMENT_SUCCEEDED.body-with-receipt", l, texts.money(event.amount(), l),
                                        event.receiptNumber()),
                        "payment-succeeded:" + event.paymentId()))
                .doOnError(e -> log.warn("Could not store the payment notice for payment {}", event.paymentId(), e))
                .then();
    }

    Mono<Void> on(PaymentRefunded event) {
        return texts.languageOf(event.citizenId()).flatMap(l -> notifications.notify(event.citizenId(), "PAYMENT_REFUNDED",
                        texts.text("notification.PAYMENT_REFUNDED.title", l),
                        texts.text("notification.PAYMENT_REFUNDED.body", l, texts.money(event.amount(), l)),
                        "payment-refunded:" + event.refundId()))
                .doOnError(e -> log.warn("Could not store the refund notice for refund {}", event.refundId(), e))
                .then();
    }
}
