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

    BookingCancellationListener(Notifications notifications) {
        this.notifications = notifications;
    }

    Mono<Void> on(AppointmentCancelledByHospital event) {
        String who = event.patientName() == null ? "Your" : event.patientName() + "'s";
        String body = who + " appointment with " + event.doctorName() + " (" + event.departmentName() + ", " + event.hospitalName()
                + ") at " + event.start().format(WHEN) + " was cancelled by the hospital: " + event.reason()
                + ". Nothing is owed; please book another slot.";
        return notifications.notify(event.citizenId(), "APPOINTMENT_CANCELLED_BY_HOSPITAL", "Appointment cancelled", body,
                        "booking-cancelled:" + event.appointmentId())
                .doOnError(e -> log.warn("Could not store the cancellation notice for appointment {}", event.appointmentId(), e))
                .then();
    }
}
