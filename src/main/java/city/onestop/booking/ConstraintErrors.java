package city.onestop.booking;


/** Translates a violated booking constraint (V5_1__booking_core.sql) into its domain error; anything else passes. */
final class ConstraintErrors {

    private ConstraintErrors() {}

    static Throwable translate(Throwable error) {
        String message = messages(error);
        if (message.contains("appointments_one_per_slot")) {
            return new BookingError.AlreadyBookedSlot();
        }
        if (message.contains("appointments_one_per_department_day")) {
            return new BookingError.AlreadyBookedDepartmentDay();
        }
        if (message.contains("PATIENT_CAP_REACHED")) {
            return new BookingError.PatientCapReached();
        }
        if (message.contains("INVALID_TRANSITION")) {
            return new BookingError.TransitionRefused();
        }
        if (message.contains("deadlock detected")) {
            return new BookingError.ConcurrentUpdate();
        }
        return error;
    }

    /** Whether the error is the violation of the named unique constraint. */
    static boolean violates(Throwable error, String constraint) {
        return error.getMessage() != null && error.getMessage().contains(constraint);
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
