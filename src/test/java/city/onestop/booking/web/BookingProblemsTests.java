package city.onestop.booking.web;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.booking.BookingError;
import city.onestop.platform.ProblemException;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** Booking's domain errors keep the problem answers they had when the stores built them (docs/api.md). */
class BookingProblemsTests {

    private static ProblemException problem(BookingError error) {
        return (ProblemException) BookingProblems.problem(error);
    }

    @Test
    void everyKindOfBookingErrorHasAnAnswer() {
        Arrays.stream(BookingError.class.getDeclaredClasses())
                .filter(c -> BookingError.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers()))
                .forEach(c -> assertThat(BookingProblems.answers(c)).as(c.getSimpleName()).isTrue());
    }

    @Test
    void slotFullIsAConflict() {
        ProblemException p = problem(new BookingError.SlotFull());
        assertThat(p.status()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(p.code()).isEqualTo("SLOT_FULL");
        assertThat(p.title()).isEqualTo("Conflict");
        assertThat(p.getMessage()).isEqualTo("Every place in this slot is taken");
    }

    @Test
    void notYetReleasedCarriesTheReleaseTime() {
        ProblemException p = problem(new BookingError.NotYetReleased("2026-12-08T07:00:00+08:00"));
        assertThat(p.status()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(p.title()).isEqualTo("Not yet released");
        assertThat(p.getMessage()).isEqualTo("This slot opens for booking at 2026-12-08T07:00:00+08:00");
        assertThat(p.extra()).isEqualTo(Map.of("releaseAt", "2026-12-08T07:00:00+08:00"));
    }

    @Test
    void invalidTransitionNamesBothStatesButTheTriggersRefusalDoesNot() {
        ProblemException named = problem(new BookingError.InvalidTransition("FULFILLED", "CANCELLED"));
        assertThat(named.title()).isEqualTo("Invalid transition");
        assertThat(named.extra()).isEqualTo(Map.of("from", "FULFILLED", "to", "CANCELLED"));
        ProblemException trigger = problem(new BookingError.TransitionRefused());
        assertThat(trigger.code()).isEqualTo("INVALID_TRANSITION");
        assertThat(trigger.title()).isEqualTo("Conflict");
        assertThat(trigger.extra()).isEmpty();
    }

    @Test
    void suspensionIsForbiddenAndRateLimitIsTooManyRequests() {
        ProblemException suspended = problem(new BookingError.BookingSuspended("2026-12-31T00:00:00+08:00"));
        assertThat(suspended.status()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(suspended.title()).isEqualTo("Booking suspended");
        ProblemException limited = problem(new BookingError.RateLimited(7));
        assertThat(limited.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(limited.getMessage()).isEqualTo("Too many booking attempts; retry in 7 s");
        assertThat(limited.extra()).isEqualTo(Map.of("retryAfterSeconds", 7L));
    }

    @Test
    void absentThingsAreNotFoundAndAnotherDoctorsSlotIsUnprocessable() {
        ProblemException absent = problem(new BookingError.NotFound("Slot", "42"));
        assertThat(absent.status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(absent.title()).isEqualTo("Not found");
        assertThat(absent.getMessage()).isEqualTo("Slot 42 does not exist");
        ProblemException other = problem(new BookingError.SlotOfOtherDoctor());
        assertThat(other.status()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
        assertThat(other.title()).isEqualTo("Slot of another doctor");
    }
}
