package city.onestop.booking;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * What hospital systems read through booking's FHIR view ({@code fhir/}): a schedule's slots, and one appointment for
 * the patient who booked it or staff of its hospital. Reads only; no transaction.
 */
@Service
public class FhirReads {

    /** One slot as the FHIR Slot is made from it. */
    public record SlotRow(UUID id, UUID scheduleId, OffsetDateTime startsAt, OffsetDateTime endsAt, int capacity, int booked,
            boolean open) {}

    private final FhirReadRepository repository;
    private final AppointmentRepository appointments;
    private final PeopleRepository people;

    FhirReads(FhirReadRepository repository, AppointmentRepository appointments, PeopleRepository people) {
        this.repository = repository;
        this.appointments = appointments;
        this.people = people;
    }

    /** The zone of the schedule's hospital; empty for an unknown schedule. */
    public Mono<ZoneId> findScheduleZone(UUID scheduleId) {
        return repository.findScheduleZone(scheduleId);
    }

    /** The schedule's slots starting in [from, to); {@link Instant#MIN} and {@link Instant#MAX} leave a side open. */
    public Mono<List<SlotRow>> listSlots(UUID scheduleId, Instant from, Instant to) {
        return repository.listSlots(scheduleId, from, to);
    }

    /** The appointment if the caller booked it or, when {@code staff}, works at its hospital; else empty. */
    public Mono<Views.Appointment> findAppointment(UUID caller, boolean staff, UUID id) {
        return appointments.findForCitizen(caller, id)
                .switchIfEmpty(Mono.defer(() -> staff
                        ? people.findStaffHospital(caller).flatMap(h -> appointments.findInHospital(h, id))
                        : Mono.empty()));
    }
}
