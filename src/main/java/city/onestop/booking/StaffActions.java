package city.onestop.booking;

import city.onestop.platform.Page;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * What hospital staff do in their one hospital besides sessions: add departments and doctors, see the day's
 * list and an appointment's history, check a patient in, mark a visit done. Each write is one transaction with its
 * audit row; other hospitals' ids are as absent as missing ones.
 */
@Service
public class StaffActions {

    private final CatalogueRepository catalogue;
    private final AppointmentRepository appointments;
    private final StaffScope staff;
    private final TransactionalOperator tx;
    private final Clock clock;

    StaffActions(CatalogueRepository catalogue, AppointmentRepository appointments, StaffScope staff, TransactionalOperator tx,
            Clock clock) {
        this.catalogue = catalogue;
        this.appointments = appointments;
        this.staff = staff;
        this.tx = tx;
        this.clock = clock;
    }

    /** An appointment with its status history. */
    public record StaffAppointment(Views.Appointment appointment, List<Views.HistoryEntry> history) {}

    public Mono<Views.Department> createDepartment(String name, @Nullable String description) {
        return staff.current().flatMap(me -> catalogue.createDepartment(me.hospitalId(), name, description)
                .flatMap(d -> staff.audited(me, "DEPARTMENT_CREATED", "department:" + d.id()).thenReturn(d))
                .as(tx::transactional));
    }

    public Mono<Views.Doctor> createDoctor(UUID departmentId, String name, String title, @Nullable String specialty, long feeFen) {
        return staff.current().flatMap(me -> catalogue.createDoctor(me.hospitalId(), departmentId, name, title, specialty, feeFen)
                .flatMap(d -> staff.audited(me, "DOCTOR_CREATED", "doctor:" + d.id()).thenReturn(d))
                .as(tx::transactional));
    }

    /** The hospital's appointments on one of its days, in time order, optionally of one department. */
    public Mono<Page<Views.Appointment>> listDay(LocalDate day, @Nullable UUID departmentId, @Nullable Cursor position, int limit) {
        return staff.current()
                .flatMap(me -> appointments.listForHospitalDay(me.hospitalId(), day, departmentId, position, limit))
                .map(rows -> Page.of(rows, limit, a -> new Cursor(OffsetDateTime.parse(a.start()).toInstant(), a.id()).position()));
    }

    public Mono<StaffAppointment> getAppointment(UUID id) {
        return staff.current()
                .flatMap(me -> appointments.findInHospital(me.hospitalId(), id))
                .switchIfEmpty(Mono.error(() -> new BookingError.NotFound("Appointment", id)))
                .flatMap(a -> appointments.history(id, ZoneId.of(OffsetDateTime.parse(a.start()).getOffset().getId()))
                        .collectList()
                        .map(history -> new StaffAppointment(a, history)));
    }

    /** BOOKED or ARRIVED → CHECKED_IN. */
    public Mono<Views.Appointment> checkIn(UUID id) {
        return transition(id, "CHECKED_IN");
    }

    /** CHECKED_IN or ARRIVED → FULFILLED. */
    public Mono<Views.Appointment> fulfil(UUID id) {
        return transition(id, "FULFILLED");
    }

    private Mono<Views.Appointment> transition(UUID id, String to) {
        return staff.current().flatMap(me -> appointments.transition(id, me.hospitalId(), to, me.id(), clock.instant())
                .flatMap(x -> staff.audited(me, "APPOINTMENT_" + to, "appointment:" + id))
                .as(tx::transactional)
                .then(appointments.findInHospital(me.hospitalId(), id)));
    }
}
