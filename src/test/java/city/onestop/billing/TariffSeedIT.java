package city.onestop.billing;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.tariff.Charge;
import city.onestop.billing.tariff.Tariff;
import city.onestop.billing.tariff.TariffCalculator;
import city.onestop.billing.tariff.Tariffs;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;

/** The seeded tariff tables in PostgreSQL give the published checks and every band boundary. */
@IntegrationTest
class TariffSeedIT {

    @Autowired
    Tariffs tariffs;

    @ParameterizedTest(name = "{0} {1} in {2} = {3}")
    @CsvSource({
        "ELECTRICITY, 300, 2026-07, 181.66",
        "ELECTRICITY, 700, 2026-07, 466.21",
        "ELECTRICITY, 300, 2026-01, 184.66",
        "WATER, 25, 2026-01, 68.83",
        "WATER, 30, 2026-01, 99.42",
        "ELECTRICITY, 0, 2026-05, 0.00",
        "ELECTRICITY, 260, 2026-10, 155.71", // 260×0.59886875 = 155.705875
        "ELECTRICITY, 600, 2026-05, 376.32", // + 340×0.64886875 = 376.32125
        "ELECTRICITY, 200, 2026-11, 119.77", // 200×0.59886875 = 119.77375
        "ELECTRICITY, 400, 2026-04, 249.55", // + 200×0.64886875 = 249.5475
        "WATER, 0, 2025-06, 0.00",
        "WATER, 21, 2025-06, 53.55", // 21×2.55
        "WATER, 27, 2025-06, 76.47", // 53.55 + 6×3.82
    })
    void seededTariffsChargeThePublishedAmounts(Utility utility, String usage, String period, String expected) {
        Tariff tariff = tariffs.findInForce(utility, YearMonth.parse(period)).block(Duration.ofSeconds(10));
        assertThat(tariff).isNotNull();
        assertThat(tariff.note()).contains("Example data");
        Charge charge = TariffCalculator.charge(tariff, new BigDecimal(usage), 1);
        assertThat(charge.totalFen()).isEqualTo(new BigDecimal(expected).movePointRight(2).longValueExact());
    }

    @Test
    void summerAndWinterAreDifferentTariffsAndWaterStartsIn2025June() {
        assertThat(tariffs.findInForce(Utility.ELECTRICITY, YearMonth.of(2026, 10)).block(Duration.ofSeconds(10)).name())
                .contains("(summer)");
        assertThat(tariffs.findInForce(Utility.ELECTRICITY, YearMonth.of(2026, 11)).block(Duration.ofSeconds(10)).name())
                .contains("(non-summer)");
        assertThat(tariffs.findInForce(Utility.WATER, YearMonth.of(2025, 5)).blockOptional(Duration.ofSeconds(10))).isEmpty();
    }
}
