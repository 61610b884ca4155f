package city.onestop.booking;

import city.onestop.platform.Outbox;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A hospital's sessions, for its staff: open one (its numbered slots are released by the hospital's timetable),
 * suspend one (停诊: slots close, appointments are cancelled, each patient is told through the outbox), change a
 * slot's capacity. Each is one transaction with its audit row; availability is invalidated after the commit.
 */
@Service
public class Schedules {

    private final ScheduleRepository schedules;
    private final CatalogueRepository catalogue;
    private final SlotRepository slots;
    private final StaffScope staff;
    private final AvailabilityCache cache;
    private final Outbox outbox;
    private final TransactionalOperator tx;
    private final Clock clock;

    Schedules(ScheduleRepository schedules, CatalogueRepository catalogue, SlotRepository slots, StaffScope staff, AvailabilityCache cache, Outbox outbox,
            TransactionalOperator tx, Clock clock) {
        this.schedules = schedules;
        this.catalogue = catalogue;
        this.slots = slots;
        this.staff = staff;
        this.cache = cache;
        this.outbox = outbox;
        this.tx = tx;
        this.clock = clock;
    }

    /** A session to open: wall-clock times of the hospital's zone on {@code date}. */
    public record NewSession(UUID doctorId, LocalDate date, String period, LocalTime start, LocalTime end, int slotCount,
            int capacityPerSlot) {}

    /** What a suspension did. */
    public record Suspension(UUID scheduleId, int cancelledAppointments) {}

    /** Opens a session in the staff member's hospital and answers with it as availability shows it. */
    public Mono<Views.Session> open(NewSession request) {
        return staff.current().flatMap(me -> schedules.timetable(me.hospitalId()).flatMap(timetable -> {
            if (request.date().isBefore(LocalDate.ofInstant(clock.instant(), timetable.zone()))) {
                return Mono.error(new BookingError.DateInPast("date is in the past in the hospital's zone"));
            }
            var schedule = new ScheduleRepository.NewSchedule(request.doctorId(), request.date(), request.period(), request.start(),
                    request.end(), request.slotCount(), request.capacityPerSlot());
            return schedules.createSchedule(me.hospitalId(), schedule, timetable)
                    .flatMap(id -> staff.audited(me, "SCHEDULE_CREATED", "schedule:" + id).thenReturn(id))
                    .as(tx::transactional)
                    .flatMap(id -> catalogue.findDoctor(request.doctorId())
                            .flatMap(doctor -> slots.availability(
                                            new SlotRepository.Scope(doctor.departmentId(), doctor.id(), me.hospitalId(), timetable.zone()),
                                            request.date(), request.date(), null, 10, clock.instant())
                                    .flatMap(page -> cache.invalidate(doctor.departmentId()).thenReturn(page)))
                            .map(page -> page.items().stream().filter(s -> s.scheduleId().equals(id)).findFirst().orElseThrow()));
        }));
    }

    /** Suspends a session of the staff member's hospital; every cancelled patient gets an outbox event. */
    public Mono<Suspension> suspend(UUID scheduleId, String reason) {
        return staff.current().flatMap(me -> {
            Instant now = clock.instant();
            return schedules.suspendSchedule(me.hospitalId(), scheduleId, reason, me.id(), now)
                    .flatMap(cancelled -> staff.audited(me, "SCHEDULE_SUSPENDED", "schedule:" + scheduleId + " cancelled:" + cancelled.size())
                            .then(Flux.fromIterable(cancelled).concatMap(c -> outbox.append(new AppointmentCancelledByHospital(
                                    c.appointmentId(), c.citizenId(), c.patientName(), c.hospitalName(), c.departmentName(), c.doctorName(),
                                    c.start(), reason))).then())
                            .thenReturn(cancelled))
                    .as(tx::transactional)
                    .flatMap(cancelled -> {
                        List<UUID> departments = cancelled.stream().map(ScheduleRepository.Cancelled::departmentId).distinct().toList();
                        return Flux.fromIterable(departments).concatMap(cache::invalidate)
                                .then(Mono.just(new Suspension(scheduleId, cancelled.size())));
                    });
        });
    }

    /** Changes a slot's capacity in the staff member's hospital, never below what is booked. */
    public Mono<Void> setCapacity(UUID slotId, int capacity) {
        return staff.current()
                .flatMap(me -> slots.setCapacity(me.hospitalId(), slotId, capacity)
                        .flatMap(department -> staff.audited(me, "SLOT_CAPACITY_CHANGED", "slot:" + slotId + " capacity:" + capacity)
                                .thenReturn(department))
                        .as(tx::transactional))
                .flatMap(cache::invalidate);
    }
}
