package city.onestop.booking.web;

import city.onestop.platform.ProblemException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;

/** Parses the calendar dates and wall-clock times of query parameters and bodies; 400 when malformed. */
final class Dates {

    private Dates() {}

    static LocalDate date(String name, String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException | NullPointerException e) {
            throw ProblemException.badRequest("INVALID_DATE", name + " must be a date YYYY-MM-DD");
        }
    }

    static LocalTime time(String name, String value) {
        try {
            return LocalTime.parse(value);
        } catch (DateTimeParseException | NullPointerException e) {
            throw ProblemException.badRequest("INVALID_TIME", name + " must be a time HH:MM");
        }
    }
}
