package city.onestop.booking;

import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * Small facts other modules (participation: routing a case, checking a rating) may ask booking, without reaching
 * into its tables. Every method is empty when there is no such thing.
 */
public interface BookingFacts {

    /** The appointment, if it exists. */
    Mono<AppointmentFact> findAppointment(UUID appointmentId);

    /** The hospital, if it exists. */
    Mono<HospitalFact> findHospital(UUID hospitalId);

    /** The hospital the citizen is staff of (booking's hospital staff), if any. */
    Mono<UUID> findStaffHospital(UUID citizenId);

    /** {@code citizenId} is the account that booked; {@code status} is booking's (BOOKED, FULFILLED, CANCELLED...). */
    record AppointmentFact(UUID id, UUID citizenId, UUID hospitalId, String hospitalName, String status) {

        public boolean fulfilled() {
            return "FULFILLED".equals(status);
        }
    }

    record HospitalFact(UUID id, String name) {}
}
