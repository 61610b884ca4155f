package city.onestop.notification;

import city.onestop.billing.BillIssued;
import city.onestop.billing.Money;
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

    BillingEventListener(Notifications notifications) {
        this.notifications = notifications;
    }

    Mono<Void> on(BillIssued event) {
        String body = "Your " + event.utility().name().toLowerCase() + " bill for " + event.period() + " is " + money(event.total())
                + ", due " + event.dueDate() + ".";
        return Flux.fromIterable(event.citizenIds())
                .concatMap(citizen -> notifications.notify(citizen, "BILL_ISSUED", "New bill", body, "bill-issued:" + event.billId()))
                .doOnError(e -> log.warn("Could not store the new-bill notice for bill {}", event.billId(), e))
                .then();
    }

    Mono<Void> on(PaymentSucceeded event) {
        String body = "We received your payment of " + money(event.amount())
                + (event.receiptNumber() == null ? "." : "; receipt " + event.receiptNumber() + ".");
        return notifications.notify(event.citizenId(), "PAYMENT_SUCCEEDED", "Payment received", body,
                        "payment-succeeded:" + event.paymentId())
                .doOnError(e -> log.warn("Could not store the payment notice for payment {}", event.paymentId(), e))
                .then();
    }

    Mono<Void> on(PaymentRefunded event) {
        String body = money(event.amount()) + " of your payment was refunded; it returns to the account you paid from.";
        return notifications.notify(event.citizenId(), "PAYMENT_REFUNDED", "Payment refunded", body,
                        "payment-refunded:" + event.refundId())
                .doOnError(e -> log.warn("Could not store the refund notice for refund {}", event.refundId(), e))
                .then();
    }

    private static String money(Money m) {
        return m.amount() + " " + m.currency();
    }
}
