package city.onestop.citizen.web;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.citizen.identity.CitizenError;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every kind of citizen domain error reaches the client as a problem, never as a 500. */
class CitizenProblemsTests {

    @Test
    void everyKindOfCitizenErrorHasAnAnswer() {
        var kinds = Arrays.stream(CitizenError.class.getDeclaredClasses())
                .filter(c -> CitizenError.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers()))
                .toList();
        assertThat(kinds).hasSizeGreaterThan(10);
        kinds.forEach(c -> assertThat(CitizenProblems.answers(c)).as(c.getSimpleName()).isTrue());
    }
}
