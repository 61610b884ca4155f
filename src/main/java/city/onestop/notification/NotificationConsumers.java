package city.onestop.notification;

import city.onestop.billing.AccountLinkChanged;
import city.onestop.billing.BillIssued;
import city.onestop.billing.PaymentRefunded;
import city.onestop.billing.PaymentSucceeded;
import city.onestop.booking.AppointmentBooked;
import city.onestop.booking.AppointmentCancelledByHospital;
import city.onestop.participation.CaseOverdue;
import city.onestop.participation.CaseUpdated;
import city.onestop.platform.OutboxConsumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The outbox consumers that turn other modules' events into notifications. Each is idempotent by event: the
 * notification's dedup key names the event's own subject (bill, payment, refund, appointment), so a redelivered
 * event stores nothing new. Names are stable: deliveries are tracked under them.
 */
@Configuration(proxyBeanMethods = false)
class NotificationConsumers {

    @Bean
    OutboxConsumer<BillIssued> billIssuedNotice(BillingEventListener billing) {
        return new EventConsumer<>("notification.bill-issued", BillIssued.class, (id, e) -> billing.on(e));
    }

    @Bean
    OutboxConsumer<PaymentSucceeded> paymentSucceededNotice(BillingEventListener billing) {
        return new EventConsumer<>("notification.payment-succeeded", PaymentSucceeded.class, (id, e) -> billing.on(e));
    }

    @Bean
    OutboxConsumer<PaymentRefunded> paymentRefundedNotice(BillingEventListener billing) {
        return new EventConsumer<>("notification.payment-refunded", PaymentRefunded.class, (id, e) -> billing.on(e));
    }

    @Bean
    OutboxConsumer<AppointmentBooked> appointmentBookedNotice(BookingEventListener booking) {
        return new EventConsumer<>("notification.appointment-booked", AppointmentBooked.class, (id, e) -> booking.on(e));
    }

    @Bean
    OutboxConsumer<AppointmentCancelledByHospital> appointmentCancelledNotice(BookingCancellationListener cancellations) {
        return new EventConsumer<>("notification.appointment-cancelled-by-hospital", AppointmentCancelledByHospital.class,
                (id, e) -> cancellations.on(e));
    }

    @Bean
    OutboxConsumer<CaseUpdated> caseUpdatedNotice(CaseEventListener cases) {
        return new EventConsumer<>("notification.case-updated", CaseUpdated.class, (id, e) -> cases.on(e));
    }

    @Bean
    OutboxConsumer<CaseOverdue> caseOverdueNotice(CaseEventListener cases) {
        return new EventConsumer<>("notification.case-overdue", CaseOverdue.class, (id, e) -> cases.on(e));
    }

    @Bean
    OutboxConsumer<AccountLinkChanged> accountLinkNotice(AccountLinkNotices links) {
        return new EventConsumer<>("notification.account-link-changed", AccountLinkChanged.class, links::on);
    }
}
