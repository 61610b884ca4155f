package city.onestop.platform.i18n;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.platform.Texts;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

class BundleTextsTests {

    private final BundleTexts texts = new BundleTexts();

    @Test
    void findsAKnownKeyAndNothingForAMissingOne() {
        assertThat(texts.find("problem.SLOT_FULL.title", Texts.CHINESE)).contains("号源已满");
        assertThat(texts.find("problem.NO_SUCH_CODE.title", Texts.CHINESE)).isEmpty();
        assertThat(texts.text("problem.NO_SUCH_CODE.title", Texts.CHINESE)).isEqualTo("problem.NO_SUCH_CODE.title");
    }

    @Test
    void localizesAProblemWhoseDetailHasNoChineseText() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "Every place in this slot is taken");
        problem.setProperty("code", "SLOT_FULL");
        texts.localize(problem, Texts.CHINESE);
        assertThat(problem.getTitle()).isEqualTo("号源已满");
        assertThat(problem.getProperties()).containsEntry("code", "SLOT_FULL");
    }
}
