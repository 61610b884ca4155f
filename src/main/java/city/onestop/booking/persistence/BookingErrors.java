package city.onestop.booking.persistence;

import city.onestop.platform.ProblemException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** Booking's domain errors, and the translation of the constraints that enforce them. */
public final class BookingErrors {

    private BookingErrors() {}

    public static ProblemException slotFull() {
        return ProblemException.conflict("SLOT_FULL", "Every place in this slot is taken");
    }

    public static ProblemException notYetReleased(Instant releaseAt, ZoneId zone) {
        return new ProblemException(HttpStatus.CONFLICT, "NOT_YET_RELEASED", "Not yet released",
                "This slot opens for booking at " + Views.at(releaseAt, zone), Map.of("releaseAt", Views.at(releaseAt, zone)));
    }

    public static ProblemException slotClosed() {
        return ProblemException.conflict("SLOT_CLOSED", "This slot is closed (the session was suspended)");
    }

    public static ProblemException slotStarted() {
        return ProblemException.conflict("SLOT_STARTED", "This slot has already started");
    }

    public static ProblemException holdExpired() {
        return ProblemException.conflict("HOLD_EXPIRED", "The hold expired and its place was released; book again");
    }

    public static ProblemException invalidTransition(String from, String to) {
        return new ProblemException(HttpStatus.CONFLICT, "INVALID_TRANSITION", "Invalid transition",
                "An appointment that is " + from + " cannot become " + to, Map.of("from", from, "to", to));
    }

    public static ProblemException cancelDeadlinePassed(String deadline) {
        return new ProblemException(HttpStatus.CONFLICT, "CANCEL_DEADLINE_PASSED", "Cancel deadline passed",
                "This appointment could be cancelled until " + deadline, Map.of("deadline", deadline));
    }

    public static ProblemException suspended(String until) {
        return new ProblemException(HttpStatus.FORBIDDEN, "BOOKING_SUSPENDED", "Booking suspended",
                "Booking is suspended after repeated no-shows until " + until, Map.of("until", until));
    }

    public static ProblemException rateLimited(long retryAfterSeconds) {
        return new ProblemException(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED", "Too many requests",
                "Too many booking attempts; retry in " + retryAfterSeconds + " s", Map.of("retryAfterSeconds", retryAfterSeconds));
    }

    /** Maps a violated booking constraint to its problem; anything else passes through unchanged. */
    public static Throwable translate(Throwable error) {
        String message = messages(error);
        if (message.contains("appointments_one_per_slot")) {
            return ProblemException.conflict("ALREADY_BOOKED_SLOT", "This patient already has this slot");
        }
        if (message.contains("appointments_one_per_department_day")) {
            return ProblemException.conflict("ALREADY_BOOKED_DEPARTMENT_DAY",
                    "This patient already has an appointment in this department on this day");
        }
        if (message.contains("PATIENT_CAP_REACHED")) {
            return ProblemException.conflict("PATIENT_CAP_REACHED", "This patient has the most active appointments allowed");
        }
        if (message.contains("INVALID_TRANSITION")) {
            return ProblemException.conflict("INVALID_TRANSITION", "This status change is not allowed");
        }
        if (message.contains("deadlock detected")) {
            return ProblemException.conflict("CONCURRENT_UPDATE", "A concurrent change got in the way; retry");
        }
        return error;
    }

    private static String messages(Throwable error) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = error; t != null && all.length() < 10_000; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
            if (t.getCause() == t) {
                break;
            }
        }
        return all.toString();
    }
}
