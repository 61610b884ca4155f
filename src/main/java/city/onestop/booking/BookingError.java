package city.onestop.booking;

import java.util.Map;

/**
 * Booking's domain errors: what went wrong, in booking's words, with a stable {@code code} and the detail a
 * person can read. They carry no HTTP status: {@code booking/web} maps each kind to its problem+json answer
 * (status and title), so the use cases and the repositories stay free of HTTP.
 */
public abstract class BookingError extends RuntimeException {

    private final String code;
    private final Map<String, Object> extra;

    BookingError(String code, String detail) {
        this(code, detail, Map.of());
    }

    BookingError(String code, String detail, Map<String, Object> extra) {
        // No stack trace: these are answers, not bugs, and a surge raises thousands of them.
        super(detail, null, false, false);
        this.code = code;
        this.extra = Map.copyOf(extra);
    }

    /** The stable UPPER_SNAKE code clients see. */
    public String code() {
        return code;
    }

    /** Members added to the answer (a deadline, a release time). */
    public Map<String, Object> extra() {
        return extra;
    }

    // ---------------------------------------------------------------- absent or malformed

    /** A hospital, department, doctor, slot, schedule, appointment or patient that does not exist (for this caller). */
    public static final class NotFound extends BookingError {
        public NotFound(String what, Object id) {
            super("NOT_FOUND", what + " " + id + " does not exist");
        }
    }

    /** A cursor this API did not hand out. */
    public static final class InvalidCursor extends BookingError {
        public InvalidCursor() {
            super("INVALID_CURSOR", "The cursor is not one this API returned");
        }
    }

    /** A booking request names both or neither of a slot and a hold. */
    public static final class SlotOrHoldRequired extends BookingError {
        public SlotOrHoldRequired() {
            super("SLOT_OR_HOLD_REQUIRED", "Send exactly one of slotId and holdId");
        }
    }

    /** An availability query for a doctor with a department the doctor does not work in. */
    public static final class DoctorNotInDepartment extends BookingError {
        public DoctorNotInDepartment(Object doctorId, Object departmentId) {
            super("DOCTOR_NOT_IN_DEPARTMENT", "Doctor " + doctorId + " does not work in department " + departmentId);
        }
    }

    /** A session opened on a date already past in the hospital's zone. */
    public static final class DateInPast extends BookingError {
        public DateInPast(String detail) {
            super("DATE_IN_PAST", detail);
        }
    }

    /** An availability query whose dates are reversed or span too many days. */
    public static final class InvalidDateRange extends BookingError {
        public InvalidDateRange(String detail) {
            super("INVALID_DATE_RANGE", detail);
        }
    }

    // ---------------------------------------------------------------- capacity and slots

    public static final class SlotFull extends BookingError {
        public SlotFull() {
            super("SLOT_FULL", "Every place in this slot is taken");
        }
    }

    public static final class NotYetReleased extends BookingError {
        public NotYetReleased(String releaseAt) {
            super("NOT_YET_RELEASED", "This slot opens for booking at " + releaseAt, Map.of("releaseAt", releaseAt));
        }
    }

    public static final class SlotClosed extends BookingError {
        public SlotClosed() {
            super("SLOT_CLOSED", "This slot is closed (the session was suspended)");
        }
    }

    public static final class SlotStarted extends BookingError {
        public SlotStarted() {
            super("SLOT_STARTED", "This slot has already started");
        }
    }

    public static final class HoldExpired extends BookingError {
        public HoldExpired() {
            super("HOLD_EXPIRED", "The hold expired and its place was released; book again");
        }
    }

    public static final class CapacityBelowBooked extends BookingError {
        public CapacityBelowBooked(int booked) {
            super("CAPACITY_BELOW_BOOKED", booked + " places are already booked in this slot");
        }
    }

    /** A reschedule to a slot of another doctor. */
    public static final class SlotOfOtherDoctor extends BookingError {
        public SlotOfOtherDoctor() {
            super("SLOT_OF_OTHER_DOCTOR", "A reschedule keeps the doctor; cancel and book to change doctor");
        }
    }

    // ---------------------------------------------------------------- the per-patient rules (indexes and trigger)

    public static final class AlreadyBookedSlot extends BookingError {
        public AlreadyBookedSlot() {
            super("ALREADY_BOOKED_SLOT", "This patient already has this slot");
        }
    }

    public static final class AlreadyBookedDepartmentDay extends BookingError {
        public AlreadyBookedDepartmentDay() {
            super("ALREADY_BOOKED_DEPARTMENT_DAY", "This patient already has an appointment in this department on this day");
        }
    }

    public static final class PatientCapReached extends BookingError {
        public PatientCapReached() {
            super("PATIENT_CAP_REACHED", "This patient has the most active appointments allowed");
        }
    }

    /** The database's status trigger refused a change (the same code as {@link InvalidTransition}, without the states). */
    public static final class TransitionRefused extends BookingError {
        public TransitionRefused() {
            super("INVALID_TRANSITION", "This status change is not allowed");
        }
    }

    public static final class ConcurrentUpdate extends BookingError {
        public ConcurrentUpdate() {
            super("CONCURRENT_UPDATE", "A concurrent change got in the way; retry");
        }
    }

    // ---------------------------------------------------------------- appointment states and policy

    public static final class InvalidTransition extends BookingError {
        public InvalidTransition(String from, String to) {
            super("INVALID_TRANSITION", "An appointment that is " + from + " cannot become " + to, Map.of("from", from, "to", to));
        }
    }

    public static final class CancelDeadlinePassed extends BookingError {
        public CancelDeadlinePassed(String deadline) {
            super("CANCEL_DEADLINE_PASSED", "This appointment could be cancelled until " + deadline, Map.of("deadline", deadline));
        }
    }

    /** The citizen may not book for now, after repeated no-shows. */
    public static final class BookingSuspended extends BookingError {
        public BookingSuspended(String until) {
            super("BOOKING_SUSPENDED", "Booking is suspended after repeated no-shows until " + until, Map.of("until", until));
        }
    }

    public static final class RateLimited extends BookingError {
        public RateLimited(long retryAfterSeconds) {
            super("RATE_LIMITED", "Too many booking attempts; retry in " + retryAfterSeconds + " s",
                    Map.of("retryAfterSeconds", retryAfterSeconds));
        }
    }

    // ---------------------------------------------------------------- catalogue and schedules

    public static final class DepartmentExists extends BookingError {
        public DepartmentExists(String name) {
            super("DEPARTMENT_EXISTS", "This hospital already has a department named " + name);
        }
    }

    public static final class ScheduleExists extends BookingError {
        public ScheduleExists(String period, Object date) {
            super("SCHEDULE_EXISTS", "This doctor already has a " + period + " session on " + date);
        }
    }

    public static final class ScheduleSuspended extends BookingError {
        public ScheduleSuspended() {
            super("SCHEDULE_SUSPENDED", "This session is already suspended");
        }
    }

    public static final class FamilyMemberExists extends BookingError {
        public FamilyMemberExists() {
            super("FAMILY_MEMBER_EXISTS", "A family member with this ID number is already bound");
        }
    }

    // ---------------------------------------------------------------- who may act

    /** The caller's token lacks the HOSPITAL_STAFF role. */
    public static final class StaffOnly extends BookingError {
        public StaffOnly() {
            super("FORBIDDEN", "Hospital staff only");
        }
    }

    /** The caller has the role but no hospital_staff row. */
    public static final class NotHospitalStaff extends BookingError {
        public NotHospitalStaff() {
            super("NOT_HOSPITAL_STAFF", "This account is not assigned to a hospital");
        }
    }
}
