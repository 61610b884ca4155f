package city.onestop.booking.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ResidentIdNumbersTests {

    static final LocalDate TODAY = LocalDate.of(2026, 11, 27);

    @Test
    void acceptsTheWorkedExamplesOfTheStandard() {
        // GB 11643-1999's own examples, with their published check characters.
        assertThat(ResidentIdNumbers.isValid("11010519491231002X", TODAY)).isTrue();
        assertThat(ResidentIdNumbers.isValid("440524188001010014", TODAY)).isTrue();
    }

    @Test
    void refusesAWrongCheckCharacter() {
        assertThat(ResidentIdNumbers.isValid("110105194912310021", TODAY)).isFalse();
    }

    @Test
    void refusesImpossibleOrFutureBirthDates() {
        assertThat(ResidentIdNumbers.isValid("110105194902300020", TODAY)).isFalse();
        assertThat(ResidentIdNumbers.isValid("110105203001010010", TODAY)).isFalse();
    }

    @Test
    void refusesWrongShapes() {
        assertThat(ResidentIdNumbers.isValid("11010519491231002", TODAY)).isFalse();
        assertThat(ResidentIdNumbers.isValid("1101051949123100XX", TODAY)).isFalse();
        assertThat(ResidentIdNumbers.isValid(null, TODAY)).isFalse();
    }
}
