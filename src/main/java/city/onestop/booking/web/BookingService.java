package city.onestop.booking.web;

import city.onestop.booking.AppointmentBooked;
import city.onestop.booking.AppointmentCancelledByHospital;
import city.onestop.booking.BookingProperties;
import city.onestop.booking.persistence.AppointmentStore;
import city.onestop.booking.persistence.BookingErrors;
import city.onestop.booking.persistence.CatalogStore;
import city.onestop.booking.persistence.PeopleStore;
import city.onestop.booking.persistence.Views;
import city.onestop.platform.AuditLog;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.Idempotency;
import city.onestop.platform.Outbox;
import city.onestop.platform.ProblemException;
import city.onestop.platform.Role;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** The booking use cases: preconditions, one transaction for the write, then cache invalidation. */
@Service
class BookingService {

    private final AppointmentStore appointments;
    private final CatalogStore catalog;
    private final PeopleStore people;
    private final Idempotency idempotency;
    private final AvailabilityCache cache;
    private final BookingRateLimiter rateLimiter;
    private final Outbox outbox;
    private final TransactionalOperator tx;
    private final BookingProperties properties;
    private final Clock clock;
    private final AuditLog audit;

    BookingService(AppointmentStore appointments, CatalogStore catalog, PeopleStore people, Idempotency idempotency,
            AvailabilityCache cache, BookingRateLimiter rateLimiter, Outbox outbox,
            ReactiveTransactionManager txManager, BookingProperties properties, Clock clock, AuditLog audit) {
        this.audit = audit;
        this.appointments = appointments;
        this.catalog = catalog;
        this.people = people;
        this.idempotency = idempotency;
        this.cache = cache;
        this.rateLimiter = rateLimiter;
        this.outbox = outbox;
        this.tx = TransactionalOperator.create(txManager);
        this.properties = properties;
        this.clock = clock;
    }

    record BookRequest(UUID slotId, UUID holdId, UUID patientId) {}

    /** An audit row for an action of {@code actor} in {@code role}; callers run it in the action's transaction. */
    Mono<Void> audit(UUID actor, Role role, String action, String target) {
        return audit.record(new AuditLog.AuditEntry(actor, role.name(), action, target, AuditLog.Outcome.SUCCESS));
    }

    /** Checks that may refuse an attempt before it touches capacity: rate, suspension, whose patient. */
    private Mono<UUID> admit(UUID citizenId, UUID patientId, Instant now) {
        UUID patient = patientId == null ? citizenId : patientId;
        return rateLimiter.acquire(citizenId)
                .then(appointments.suspendedUntil(citizenId, now)
                        .flatMap(until -> Mono.<Boolean>error(BookingErrors.suspended(Views.at(until, ZoneId.of("Asia/Shanghai")))))
                        .then(appointments.isPatientOf(citizenId, patient)))
                .flatMap(ok -> ok ? Mono.just(patient) : Mono.error(ProblemException.notFound("Patient", patient.toString())));
    }

    /** Takes a place; when the slot is full because of expired holds, releases them and tries once more. */
    private Mono<AppointmentStore.Taken> take(UUID citizenId, UUID patient, UUID slotId, Instant holdUntil, UUID from, Instant now) {
        return appointments.take(citizenId, patient, slotId, holdUntil, from, now)
                .onErrorResume(e -> e instanceof ProblemException p && "SLOT_FULL".equals(p.code()),
                        // collectList, not hasElements: cancelling the statement mid-result would leave the connection busy.
                        e -> appointments.expireHolds(now, slotId, null).collectList()
                                .flatMap(freed -> !freed.isEmpty() ? appointments.take(citizenId, patient, slotId, holdUntil, from, now) : Mono.error(e)));
    }

    /**
     * Holds a place. With an {@code Idempotency-Key} (optional here, as it was not asked for before) a retry replays
     * the first hold instead of taking a second place; the key's record commits with the hold.
     */
    Mono<ResponseEntity<Object>> hold(UUID citizenId, @org.jspecify.annotations.Nullable String key, UUID slotId, UUID patientId) {
        Instant now = clock.instant();
        Idempotency.IdempotentRequest idem = key == null ? null
                : Idempotency.IdempotentRequest.of(citizenId, key, "booking.hold", new BookRequest(slotId, null, patientId));
        return admit(citizenId, patientId, now)
                .flatMap(patient -> {
                    Mono<Views.Appointment> held = take(citizenId, patient, slotId, now.plus(properties.holdDuration()), null, now)
                            .flatMap(taken -> audit(citizenId, Role.CITIZEN, "APPOINTMENT_HELD", "appointment:" + taken.appointmentId())
                                    .then(appointments.get(taken.appointmentId())));
                    return idem == null
                            ? held.as(tx::transactional).map(a -> ResponseEntity.status(HttpStatus.CREATED).body((Object) a))
                            : idempotency.execute(idem, 201, fresh -> held);
                })
                .flatMap(this::invalidateAfterCommit);
    }

    /** After the commit: the department's availability changed. A replay (not a Views.Appointment) changed nothing. */
    private Mono<ResponseEntity<Object>> invalidateAfterCommit(ResponseEntity<Object> response) {
        if (!(response.getBody() instanceof Views.Appointment a)) return Mono.just(response);
        return cache.invalidate(a.department().id()).thenReturn(response);
    }

    Mono<ResponseEntity<Object>> book(UUID citizenId, String key, BookRequest request) {
        if ((request.slotId() == null) == (request.holdId() == null)) {
            return Mono.error(ProblemException.badRequest("SLOT_OR_HOLD_REQUIRED", "Send exactly one of slotId and holdId"));
        }
        Instant now = clock.instant();
        Idempotency.IdempotentRequest idem = Idempotency.IdempotentRequest.of(citizenId, key, "booking.book", request);
        Mono<ResponseEntity<Object>> result;
        if (request.holdId() != null) {
            result = rateLimiter.acquire(citizenId)
                    .then(idempotency.execute(idem, 201, fresh -> appointments.confirmHold(citizenId, request.holdId(), now)
                            .flatMap(id -> audit(citizenId, Role.CITIZEN, "APPOINTMENT_BOOKED", "appointment:" + id).thenReturn(id))
                            .flatMap(appointments::get)
                            .flatMap(this::announceBooked)))
                    .onErrorResume(e -> e instanceof ProblemException p && "HOLD_EXPIRED".equals(p.code()),
                            e -> appointments.expireHolds(now, null, request.holdId())
                                    .concatMap(cache::invalidate)
                                    .then(Mono.error(e)));
        } else {
            UUID slotId = request.slotId();
            result = cache.knownFull(slotId).flatMap(full -> full
                    // Refused from Redis: the only database read left is the replay of a key that already completed.
                    ? idempotency.findReplay(idem).switchIfEmpty(Mono.error(BookingErrors::slotFull))
                    : admit(citizenId, request.patientId(), now)
                            .flatMap(patient -> idempotency.execute(idem, 201, fresh -> take(citizenId, patient, slotId, null, null, now)
                                    .flatMap(taken -> audit(citizenId, Role.CITIZEN, "APPOINTMENT_BOOKED",
                                                    "appointment:" + taken.appointmentId())
                                            .then(appointments.get(taken.appointmentId()))
                                            .flatMap(this::announceBooked))))
                            .onErrorResume(e -> e instanceof ProblemException p && "SLOT_FULL".equals(p.code()),
                                    e -> appointments.findDepartmentIfNoHolds(slotId)
                                            .flatMap(department -> cache.markFull(slotId, department))
                                            .then(Mono.error(e))));
        }
        return result.flatMap(response -> {
            if (!(response.getBody() instanceof Views.Appointment a)) return Mono.just(response);
            // After the commit (idempotency.execute ran the transaction); a replay is not a Views.Appointment.
            return cache.invalidate(a.department().id()).thenReturn(response);
        });
    }

    /** In the booking's transaction (idempotency.execute runs it): the confirmation notice, through the outbox. */
    private Mono<Views.Appointment> announceBooked(Views.Appointment a) {
        if (!"BOOKED".equals(a.status())) return Mono.just(a);
        return outbox.append(new AppointmentBooked(a.id(), a.citizenId(), a.patientName(), a.hospital().name(),
                        a.department().name(), a.doctor().name(), java.time.OffsetDateTime.parse(a.start())))
                .thenReturn(a);
    }

    Mono<Views.Appointment> get(UUID citizenId, UUID id) {
        return appointments.findForCitizen(citizenId, id)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Appointment", id.toString())));
    }

    Mono<Views.Appointment> cancel(UUID citizenId, UUID id) {
        Instant now = clock.instant();
        return appointments.cancel(id, citizenId, null, citizenId, "CANCELLED_BY_PATIENT", true, now)
                .flatMap(department -> audit(citizenId, Role.CITIZEN, "APPOINTMENT_CANCELLED", "appointment:" + id).thenReturn(department))
                .as(tx::transactional)
                .flatMap(department -> cache.invalidate(department))
                .then(get(citizenId, id));
    }

    /** Moves an appointment to another slot of its doctor; with an {@code Idempotency-Key}, a retry replays the move. */
    Mono<ResponseEntity<Object>> reschedule(UUID citizenId, UUID id, UUID slotId, @org.jspecify.annotations.Nullable String key) {
        Instant now = clock.instant();
        Idempotency.IdempotentRequest idem = key == null ? null
                : Idempotency.IdempotentRequest.of(citizenId, key, "booking.reschedule:" + id, new BookRequest(slotId, null, null));
        Mono<Views.Appointment> moved = appointments.findForCitizen(citizenId, id)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Appointment", id.toString())))
                .flatMap(old -> appointments.cancel(id, citizenId, null, citizenId, "RESCHEDULED", true, now)
                        .then(take(citizenId, old.patientId(), slotId, null, id, now))
                        // Audited before the doctor check on purpose: a refused reschedule rolls back its audit row too.
                        .flatMap(taken -> audit(citizenId, Role.CITIZEN, "APPOINTMENT_RESCHEDULED",
                                        "appointment:" + id + " to appointment:" + taken.appointmentId())
                                .then(appointments.get(taken.appointmentId())))
                        .flatMap(fresh -> fresh.doctor().id().equals(old.doctor().id())
                                // Same doctor, same department: invalidating the new appointment's department covers both.
                                ? Mono.just(fresh)
                                : Mono.error(new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "SLOT_OF_OTHER_DOCTOR",
                                        "Slot of another doctor", "A reschedule keeps the doctor; cancel and book to change doctor"))));
        return rateLimiter.acquire(citizenId)
                .then(idem == null
                        ? moved.as(tx::transactional).map(a -> ResponseEntity.status(HttpStatus.CREATED).body((Object) a))
                        : idempotency.execute(idem, 201, fresh -> moved))
                .flatMap(this::invalidateAfterCommit);
    }

    // ---------------------------------------------------------------- staff

    /** The staff member's hospital: HOSPITAL_STAFF role and a hospital_staff row are both needed. */
    Mono<UUID> staffHospital() {
        return CurrentUser.get().flatMap(user -> !user.has(Role.HOSPITAL_STAFF)
                ? Mono.error(new ProblemException(HttpStatus.FORBIDDEN, "FORBIDDEN", "Forbidden", "Hospital staff only"))
                : people.findStaffHospital(user.id())
                        .switchIfEmpty(Mono.error(() -> new ProblemException(HttpStatus.FORBIDDEN, "NOT_HOSPITAL_STAFF", "Forbidden",
                                "This account is not assigned to a hospital"))));
    }

    record Suspension(UUID scheduleId, int cancelledAppointments) {}

    Mono<Suspension> suspend(UUID hospitalId, UUID actor, UUID scheduleId, String reason) {
        Instant now = clock.instant();
        return catalog.suspendSchedule(hospitalId, scheduleId, reason, actor, now)
                .flatMap(cancelled -> audit(actor, Role.HOSPITAL_STAFF, "SCHEDULE_SUSPENDED",
                                "schedule:" + scheduleId + " cancelled:" + cancelled.size())
                        .then(reactor.core.publisher.Flux.fromIterable(cancelled).concatMap(c -> outbox.append(new AppointmentCancelledByHospital(
                                c.appointmentId(), c.citizenId(), c.patientName(), c.hospitalName(), c.departmentName(), c.doctorName(),
                                c.start(), reason))).then())
                        .thenReturn(cancelled))
                .as(tx::transactional)
                .flatMap(cancelled -> {
                    List<UUID> departments = cancelled.stream().map(CatalogStore.Cancelled::departmentId).distinct().toList();
                    return reactor.core.publisher.Flux.fromIterable(departments).concatMap(cache::invalidate)
                            .then(Mono.just(new Suspension(scheduleId, cancelled.size())));
                });
    }

    Mono<Views.Appointment> transition(UUID hospitalId, UUID actor, UUID id, String to) {
        return appointments.transition(id, hospitalId, to, actor, clock.instant())
                .flatMap(x -> audit(actor, Role.HOSPITAL_STAFF, "APPOINTMENT_" + to, "appointment:" + id))
                .as(tx::transactional)
                .then(appointments.findInHospital(hospitalId, id));
    }
}
