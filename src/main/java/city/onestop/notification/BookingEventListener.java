package city.onestop.notification;

import city.onestop.booking.AppointmentBooked;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Confirms a booking to the citizen who made it; the appointment id is the dedup key. */
@Component
class BookingEventListener {

    private static final Logger log = LoggerFactory.getLogger(BookingEventListener.class);
    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final Notifications notifications;

    BookingEventListener(Notifications notifications) {
        this.notifications = notifications;
    }

    Mono<Void> on(AppointmentBooked event) {
        String who = event.patientName() == null ? "Your" : event.patientName() + "'s";
        String body = who + " appointment with " + event.doctorName() + " (" + event.departmentName() + ", " + event.hospitalName()
                + ") is booked for " + event.start().format(WHEN) + ".";
        return notifications.notify(event.citizenId(), "APPOINTMENT_BOOKED", "Appointment booked", body,
                        "appointment-booked:" + event.appointmentId())
                .doOnError(e -> log.warn("Could not store the booking notice for appointment {}", event.appointmentId(), e))
                .then();
    }
}
