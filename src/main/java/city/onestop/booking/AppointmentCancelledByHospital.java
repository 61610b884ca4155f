package city.onestop.booking;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Published after a hospital cancelled an appointment (a doctor's session was suspended, 停诊) and that
 * cancellation committed. {@code citizenId} is the account that booked; {@code patientName} who it was for.
 */
public record AppointmentCancelledByHospital(
        UUID appointmentId,
        UUID citizenId,
        String patientName,
        String hospitalName,
        String departmentName,
        String doctorName,
        OffsetDateTime start,
        String reason) {}
