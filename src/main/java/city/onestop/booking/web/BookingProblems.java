package city.onestop.booking.web;

import city.onestop.booking.BookingError;
import city.onestop.platform.ProblemException;
import java.util.Map;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Booking's domain errors as problem+json: each kind gets its status and title here, the code, detail and extra
 * members come from the error. Runs just before the platform's handler and hands it the {@link ProblemException},
 * which writes the body (type, instance, code, requestId) as for every other module. The statuses and titles are
 * a public contract (docs/api.md): keep them.
 */
@Component
@Order(-3)
class BookingProblems implements WebExceptionHandler {

    private record Answer(HttpStatus status, String title) {}

    private static final Answer NOT_FOUND = new Answer(HttpStatus.NOT_FOUND, "Not found");
    private static final Answer BAD_REQUEST = new Answer(HttpStatus.BAD_REQUEST, "Bad request");
    private static final Answer CONFLICT = new Answer(HttpStatus.CONFLICT, "Conflict");
    private static final Answer FORBIDDEN = new Answer(HttpStatus.FORBIDDEN, "Forbidden");

    private static final Map<Class<? extends BookingError>, Answer> ANSWERS = Map.ofEntries(
            Map.entry(BookingError.NotFound.class, NOT_FOUND),
            Map.entry(BookingError.InvalidCursor.class, BAD_REQUEST),
            Map.entry(BookingError.SlotOrHoldRequired.class, BAD_REQUEST),
            Map.entry(BookingError.DoctorNotInDepartment.class, BAD_REQUEST),
            Map.entry(BookingError.DateInPast.class, BAD_REQUEST),
            Map.entry(BookingError.InvalidDateRange.class, BAD_REQUEST),
            Map.entry(BookingError.SlotFull.class, CONFLICT),
            Map.entry(BookingError.NotYetReleased.class, new Answer(HttpStatus.CONFLICT, "Not yet released")),
            Map.entry(BookingError.SlotClosed.class, CONFLICT),
            Map.entry(BookingError.SlotStarted.class, CONFLICT),
            Map.entry(BookingError.HoldExpired.class, CONFLICT),
            Map.entry(BookingError.CapacityBelowBooked.class, CONFLICT),
            Map.entry(BookingError.SlotOfOtherDoctor.class, new Answer(HttpStatus.UNPROCESSABLE_CONTENT, "Slot of another doctor")),
            Map.entry(BookingError.AlreadyBookedSlot.class, CONFLICT),
            Map.entry(BookingError.AlreadyBookedDepartmentDay.class, CONFLICT),
            Map.entry(BookingError.PatientCapReached.class, CONFLICT),
            Map.entry(BookingError.TransitionRefused.class, CONFLICT),
            Map.entry(BookingError.ConcurrentUpdate.class, CONFLICT),
            Map.entry(BookingError.InvalidTransition.class, new Answer(HttpStatus.CONFLICT, "Invalid transition")),
            Map.entry(BookingError.CancelDeadlinePassed.class, new Answer(HttpStatus.CONFLICT, "Cancel deadline passed")),
            Map.entry(BookingError.BookingSuspended.class, new Answer(HttpStatus.FORBIDDEN, "Booking suspended")),
            Map.entry(BookingError.RateLimited.class, new Answer(HttpStatus.TOO_MANY_REQUESTS, "Too many requests")),
            Map.entry(BookingError.DepartmentExists.class, CONFLICT),
            Map.entry(BookingError.ScheduleExists.class, CONFLICT),
            Map.entry(BookingError.ScheduleSuspended.class, CONFLICT),
            Map.entry(BookingError.FamilyMemberExists.class, CONFLICT),
            Map.entry(BookingError.StaffOnly.class, FORBIDDEN),
            Map.entry(BookingError.NotHospitalStaff.class, FORBIDDEN));

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        return Mono.error(ex instanceof BookingError error ? problem(error) : ex);
    }

    /** Whether this kind of domain error has an answer here. */
    static boolean answers(Class<?> kind) {
        return ANSWERS.containsKey(kind);
    }

    /** The problem a domain error answers with; an error without an entry here is a bug and stays a 500. */
    static Throwable problem(BookingError error) {
        Answer answer = ANSWERS.get(error.getClass());
        if (answer == null) {
            return new IllegalStateException("No problem mapping for booking error " + error.getClass().getName(), error);
        }
        return new ProblemException(answer.status(), error.code(), answer.title(), error.getMessage(), error.extra());
    }
}
