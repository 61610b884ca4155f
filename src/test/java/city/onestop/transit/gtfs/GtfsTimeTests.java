package city.onestop.transit.gtfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GtfsTimeTests {

    @Test
    void toleratesLeadingSpacesAndOneDigitHours() {
        assertThat(GtfsTime.parse(" 5:49:00")).isEqualTo(5 * 3600 + 49 * 60);
    }

    @Test
    void acceptsTimesPastMidnightOfTheServiceDay() {
        assertThat(GtfsTime.parse("26:01:00")).isEqualTo(26 * 3600 + 60);
    }

    @Test
    void emptyIsMissing() {
        assertThat(GtfsTime.parse("  ")).isEqualTo(GtfsTime.MISSING);
    }

    @Test
    void rejectsWhatIsNotATime() {
        assertThatThrownBy(() -> GtfsTime.parse("5:49")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GtfsTime.parse("05:61:00")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GtfsTime.parse("ab:cd:ef")).isInstanceOf(IllegalArgumentException.class);
    }
}
