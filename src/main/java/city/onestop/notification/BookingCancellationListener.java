package city.onestop.notification;

import city.onestop.booking.AppointmentCancelledByHospital;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Tells a patient that the hospital cancelled their appointment. Spring subscribes to the returned Mono;
 * the appointment id is the dedup key, so a repeated event stores nothing twice.
 */
@Component
class BookingCancellationListener {

    private static final Logger log = LoggerFactory.getLogger(BookingCancellationListener.class);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final Notifications notifications;
    private final NotificationTexts texts;

    BookingCancellationListener(Notifications notifications, NotificationTexts texts) {
        this.notifications = notifications;
        this.texts = texts;
    }

    Mono<Void> on(AppointmentCancelledByHospital event) {
        String key = "notification.APPOINTMENT_CANCELLED_BY_HOSPITAL." + (event.patientName() == null ? "body" : "body-for");
        return texts.languageOf(event.citizenId()).flatMap(l -> notifications.notify(event.citizenId(),
                        "APPOINTMENT_CANCELLED_BY_HOSPITAL", texts.text("notification.APPOINTMENT_CANCELLED_BY_HOSPITAL.title", l),
                        texts.text(key, l, event.patientName(), event.doctorName(), event.departmentName(), event.hospitalName(),
                                event.start().format(WHEN), event.reason()),
                        "booking-cancelled:" + event.appointmentId()))
                .doOnError(e -> log.warn("Could not store the cancellation notice for appointment {}", event.appointmentId(), e))
                .then();
    }
}
