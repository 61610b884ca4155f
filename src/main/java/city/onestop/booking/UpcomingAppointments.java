package city.onestop.booking;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** What other modules (the citizen's dashboard) may ask booking about a citizen's coming appointments. */
public interface UpcomingAppointments {

    /**
     * Active appointments (PENDING, BOOKED, ARRIVED, CHECKED_IN) the citizen booked (for themself or a family
     * member) that start within {@code within} from now, soonest first; at most {@code limit}.
     */
    Mono<List<UpcomingAppointment>> upcoming(UUID citizenId, Duration within, int limit);

    /** BOOKED appointments starting in {@code [from, to)}, for reminders. */
    Flux<Reminder> findBookedStartingBetween(Instant from, Instant to);

    /** Who to remind of which appointment; {@code start} in the hospital's zone. */
    record Reminder(UUID appointmentId, UUID citizenId, UpcomingAppointment appointment) {}

    /** Times are in the hospital's zone. {@code patientName} is null when the citizen is the patient. */
    record UpcomingAppointment(UUID id, String status, OffsetDateTime start, OffsetDateTime end, String doctor,
            String department, String hospital, String patientName) {}
}
