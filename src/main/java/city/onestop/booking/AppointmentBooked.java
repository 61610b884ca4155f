package city.onestop.booking;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Published after a booking committed (a direct booking or a confirmed hold). {@code citizenId} is the account that
 * booked; {@code patientName} is null when the citizen is the patient. {@code start} is in the hospital's zone.
 */
public record AppointmentBooked(UUID appointmentId, UUID citizenId, String patientName, String hospitalName,
        String departmentName, String doctorName, OffsetDateTime start) {}
