package city.onestop.citizen.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import city.onestop.citizen.TestCitizens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResidentIdNumberTests {

    @ParameterizedTest
    // The two example numbers printed in GB 11643-1999, one of them with the check character X.
    @ValueSource(strings = {"11010519491231002X", "440524188001010014"})
    void acceptsTheStandardsOwnExamples(String number) {
        assertThat(ResidentIdNumber.isValid(number)).isTrue();
    }

    @Test
    void acceptsLowerCaseXAndSurroundingSpacesAndNormalizesThem() {
        assertThat(ResidentIdNumber.normalize(" 11010519491231002x ")).contains("11010519491231002X");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "110105194912310021", // check character should be X
        "440524188001010015", // check digit off by one
        "44052418800101001", // 17 characters
        "4405241880010100144", // 19 characters
        "44052418800101001A", // letter other than X
        "4405241880013200 14", // space inside
        "440524188002300014", // 30 February
        "040524188001010014", // region code cannot start with 0
        ""
    })
    void rejectsMalformedNumbers(String number) {
        assertThat(ResidentIdNumber.isValid(number)).isFalse();
    }

    @Test
    void rejectsNull() {
        assertThat(ResidentIdNumber.isValid(null)).isFalse();
    }

    @Test
    void agreesWithAnIndependentCheckDigitComputationOnRandomNumbers() {
        for (int i = 0; i < 1000; i++) {
            String number = TestCitizens.randomIdNumber();
            assertThat(ResidentIdNumber.isValid(number)).as(number).isTrue();
            char wrong = number.charAt(17) == '0' ? '1' : '0';
            assertThat(ResidentIdNumber.isValid(number.substring(0, 17) + wrong)).as(number).isFalse();
        }
    }

    @Test
    void masksAllButTheFirstFourAndLastFour() {
        assertThat(ResidentIdNumber.mask("440524188001010014")).isEqualTo("4405**********0014");
        assertThat(ResidentIdNumber.mask("11010519491231002X")).isEqualTo("1101**********002X");
    }

    @Test
    void refusesToMaskSomethingThatIsNotAnIdNumber() {
        assertThatThrownBy(() -> ResidentIdNumber.mask("1234")).isInstanceOf(IllegalArgumentException.class);
    }
}
