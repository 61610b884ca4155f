package city.onestop.booking;

import city.onestop.platform.AuditLog;
import city.onestop.platform.Idempotency;
import city.onestop.platform.Outbox;
import city.onestop.platform.Page;
import city.onestop.platform.Role;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * A citizen's bookings: hold, book (a slot or a hold), see, cancel, reschedule. Each action is one transaction
 * that writes the appointment, its audit row and (for a booking) the outbox event; with an {@code Idempotency-Key}
 * the key's record is in that same transaction ({@link Idempotency#execute}). Availability is invalidated after
 * the commit. A slot the availability cache knows is full is refused without PostgreSQL; every success is still
 * decided by the conditional UPDATE in {@link AppointmentRepository#take}.
 *
 * <p>Answers with {@link ResponseEntity} only because the idempotent replay is a stored response; errors are
 * {@link BookingError}s, mapped to problem+json by {@code booking/web}.
 */
@Service
public class Bookings {

    private static final ZoneId DISPLAY_ZONE = ZoneId.of("Asia/Shanghai");

    private final AppointmentRepository appointments;
    private final Idempotency idempotency;
    private final AvailabilityCache cache;
    private final BookingRateLimiter rateLimiter;
    private final Outbox outbox;
    private final TransactionalOperator tx;
    private final BookingProperties properties;
    private final Clock clock;
    private final AuditLog audit;

    Bookings(AppointmentRepository appointments, Idempotency idempotency, AvailabilityCache cache, BookingRateLimiter rateLimiter,
            Outbox outbox, TransactionalOperator tx, BookingProperties properties, Clock clock, AuditLog audit) {
        this.appointments = appointments;
        this.idempotency = idempotency;
        this.cache = cache;
        this.rateLimiter = rateLimiter;
        this.outbox = outbox;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
        this.audit = audit;
    }

    /** A booking request: exactly one of a slot and a hold, for the citizen or a bound family member. */
    public record BookRequest(UUID slotId, UUID holdId, UUID patientId) {}

    private Mono<Void> audited(UUID citizenId, String action, String target) {
        return audit.record(new AuditLog.AuditEntry(citizenId, Role.CITIZEN.name(), action, target, AuditLog.Outcome.SUCCESS));
    }

    /** Checks that may refuse an attempt before it touches capacity: rate, suspension, whose patient. */
    private Mono<UUID> admit(UUID citizenId, @Nullable UUID patientId, Instant now) {
        UUID patient = patientId == null ? citizenId : patientId;
        return rateLimiter.acquire(citizenId)
                .then(appointments.suspendedUntil(citizenId, now)
                        .flatMap(until -> Mono.<Boolean>error(new BookingError.BookingSuspended(Views.at(until, DISPLAY_ZONE))))
                        .then(appointments.isPatientOf(citizenId, patient)))
                .flatMap(ok -> ok ? Mono.just(patient) : Mono.error(new BookingError.NotFound("Patient", patient)));
    }

    /** Takes a place; when the slot is full because of expired holds, releases them and tries once more. */
    private Mono<AppointmentRepository.Taken> take(UUID citizenId, UUID patient, UUID slotId, @Nullable Instant holdUntil,
            @Nullable UUID from, Instant now) {
        return appointments.take(citizenId, patient, slotId, holdUntil, from, now)
                .onErrorResume(BookingError.SlotFull.class,
                        // collectList, not hasElements: cancelling the statement mid-result would leave the connection busy.
                        e -> appointments.expireHolds(now, slotId, null).collectList()
                                .flatMap(freed -> !freed.isEmpty() ? appointments.take(citizenId, patient, slotId, holdUntil, from, now) : Mono.error(e)));
    }

    /**
     * Holds a place. With an {@code Idempotency-Key} (optional here, as it was not asked for before) a retry replays
     * the first hold instead of taking a second place; the key's record commits with the hold.
     */
    public Mono<ResponseEntity<Object>> hold(UUID citizenId, @Nullable String key, UUID slotId, @Nullable UUID patientId) {
        Instant now = clock.instant();
        Idempotency.IdempotentRequest idem = key == null ? null
                : Idempotency.IdempotentRequest.of(citizenId, key, "booking.hold", new BookRequest(slotId, null, patientId));
        return admit(citizenId, patientId, now)
                .flatMap(patient -> {
                    Mono<Views.Appointment> held = take(citizenId, patient, slotId, now.plus(properties.holdDuration()), null, now)
                            .flatMap(taken -> audited(citizenId, "APPOINTMENT_HELD", "appointment:" + taken.appointmentId())
                                    .then(appointments.get(taken.appointmentId())));
                    return idem == null
                            ? held.as(tx::transactional).map(a -> ResponseEntity.status(201).body((Object) a))
                            : idempotency.execute(idem, 201, fresh -> held);
                })
                .flatMap(this::invalidateAfterCommit);
    }

    /** After the commit: the department's availability changed. A replay (not a Views.Appointment) changed nothing. */
    private Mono<ResponseEntity<Object>> invalidateAfterCommit(ResponseEntity<Object> response) {
        if (!(response.getBody() instanceof Views.Appointment a)) return Mono.just(response);
        return cache.invalidate(a.department().id()).thenReturn(response);
    }

    /** Books a slot or confirms a hold; the {@code Idempotency-Key} is required. */
    public Mono<ResponseEntity<Object>> book(UUID citizenId, @Nullable String key, BookRequest request) {
        if ((request.slotId() == null) == (request.holdId() == null)) {
            return Mono.error(new BookingError.SlotOrHoldRequired());
        }
        Instant now = clock.instant();
        Idempotency.IdempotentRequest idem = Idempotency.IdempotentRequest.of(citizenId, key, "booking.book", request);
        Mono<ResponseEntity<Object>> result;
        if (request.holdId() != null) {
            UUID holdId = request.holdId();
            result = rateLimiter.acquire(citizenId)
                    .then(idempotency.execute(idem, 201, fresh -> appointments.confirmHold(citizenId, holdId, now)
                            .flatMap(id -> audited(citizenId, "APPOINTMENT_BOOKED", "appointment:" + id).thenReturn(id))
                            .flatMap(appointments::get)
                            .flatMap(this::announceBooked)))
                    .onErrorResume(BookingError.HoldExpired.class,
                            e -> appointments.expireHolds(now, null, holdId)
                                    .concatMap(cache::invalidate)
                                    .then(Mono.error(e)));
        } else {
            UUID slotId = request.slotId();
            result = cache.knownFull(slotId).flatMap(full -> full
                    // Refused from Redis: the only database read left is the replay of a key that already completed.
                    ? idempotency.findReplay(idem).switchIfEmpty(Mono.error(BookingError.SlotFull::new))
                    : admit(citizenId, request.patientId(), now)
                            .flatMap(patient -> idempotency.execute(idem, 201, fresh -> take(citizenId, patient, slotId, null, null, now)
                                    .flatMap(taken -> audited(citizenId, "APPOINTMENT_BOOKED", "appointment:" + taken.appointmentId())
                                            .then(appointments.get(taken.appointmentId()))
                                            .flatMap(this::announceBooked))))
                            .onErrorResume(BookingError.SlotFull.class,
                                    e -> appointments.findDepartmentIfNoHolds(slotId)
                                            .flatMap(department -> cache.markFull(slotId, department))
                                            .then(Mono.error(e))));
        }
        // After the commit (idempotency.execute ran the transaction); a replay is not a Views.Appointment.
        return result.flatMap(this::invalidateAfterCommit);
    }

    /** In the booking's transaction (idempotency.execute runs it): the confirmation notice, through the outbox. */
    private Mono<Views.Appointment> announceBooked(Views.Appointment a) {
        if (!"BOOKED".equals(a.status())) return Mono.just(a);
        return outbox.append(new AppointmentBooked(a.id(), a.citizenId(), a.patientName(), a.hospital().name(),
                        a.department().name(), a.doctor().name(), OffsetDateTime.parse(a.start())))
                .thenReturn(a);
    }

    /** One of the citizen's appointments; another citizen's is as absent as a missing one. */
    public Mono<Views.Appointment> getAppointment(UUID citizenId, UUID id) {
        return appointments.findForCitizen(citizenId, id).switchIfEmpty(Mono.error(() -> new BookingError.NotFound("Appointment", id)));
    }

    /** The citizen's appointment, empty when it is not theirs. */
    public Mono<Views.Appointment> findAppointment(UUID citizenId, UUID id) {
        return appointments.findForCitizen(citizenId, id);
    }

    /** The citizen's appointments, newest first. */
    public Mono<Page<Views.Appointment>> listAppointments(UUID citizenId, @Nullable Cursor position, int limit) {
        return appointments.listForCitizen(citizenId, position, limit)
                .map(rows -> Page.of(rows, limit, a -> new Cursor(a.createdInstant(), a.id()).position()));
    }

    public Mono<Views.Appointment> cancel(UUID citizenId, UUID id) {
        Instant now = clock.instant();
        return appointments.cancel(id, citizenId, null, citizenId, "CANCELLED_BY_PATIENT", true, now)
                .flatMap(department -> audited(citizenId, "APPOINTMENT_CANCELLED", "appointment:" + id).thenReturn(department))
                .as(tx::transactional)
                .flatMap(cache::invalidate)
                .then(getAppointment(citizenId, id));
    }

    /** Moves an appointment to another slot of its doctor; with an {@code Idempotency-Key}, a retry replays the move. */
    public Mono<ResponseEntity<Object>> reschedule(UUID citizenId, UUID id, UUID slotId, @Nullable String key) {
        Instant now = clock.instant();
        Idempotency.IdempotentRequest idem = key == null ? null
                : Idempotency.IdempotentRequest.of(citizenId, key, "booking.reschedule:" + id, new BookRequest(slotId, null, null));
        Mono<Views.Appointment> moved = getAppointment(citizenId, id)
                .flatMap(old -> appointments.cancel(id, citizenId, null, citizenId, "RESCHEDULED", true, now)
                        .then(take(citizenId, old.patientId(), slotId, null, id, now))
                        // Audited before the doctor check on purpose: a refused reschedule rolls back its audit row too.
                        .flatMap(taken -> audited(citizenId, "APPOINTMENT_RESCHEDULED",
                                        "appointment:" + id + " to appointment:" + taken.appointmentId())
                                .then(appointments.get(taken.appointmentId())))
                        .flatMap(fresh -> fresh.doctor().id().equals(old.doctor().id())
                                // Same doctor, same department: invalidating the new appointment's department covers both.
                                ? Mono.just(fresh)
                                : Mono.error(new BookingError.SlotOfOtherDoctor())));
        return rateLimiter.acquire(citizenId)
                .then(idem == null
                        ? moved.as(tx::transactional).map(a -> ResponseEntity.status(201).body((Object) a))
                        : idempotency.execute(idem, 201, fresh -> moved))
                .flatMap(this::invalidateAfterCommit);
    }
}
