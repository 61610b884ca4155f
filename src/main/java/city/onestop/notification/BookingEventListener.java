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
    private final NotificationTexts texts;

    BookingEventListener(Notifications notifications, NotificationTexts texts) {
        this.notifications = notifications;
        this.texts = texts;
    }

    Mono<Void> on(AppointmentBooked event) {
        return texts.languageOf(event.citizenId()).flatMap(l -> notifications.notify(event.citizenId(), "APPOINTMENT_BOOKED",
                        texts.text("notification.APPOINTMENT_BOOKED.title", l),
                        texts.text(event.patientName() == null ? "notification.APPOINTMENT_BOOKED.body" : "notification.APPOINTMENT_BOOKED.body-for",
                                l, event.patientName(), event.doctorName(), event.departmentName(), event.hospitalName(),
                                event.start().format(WHEN)),
                        "appointment-booked:" + event.appointmentId()))
                .doOnError(e -> log.warn("Could not store the booking notice for appointment {}", event.appointmentId(), e))
                .then();
    }
}
