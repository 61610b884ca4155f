package city.onestop.billing.tariff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import city.onestop.billing.Utility;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tariff arithmetic on tariffs shaped like the example data. Expected amounts are worked out by
 * hand from the published prices (shown in the comments), not by the calculator.
 */
class TariffCalculatorTests {

    static final BigDecimal T1 = new BigDecimal("0.59886875");
    static final Tariff SUMMER = electricity(260, 600);
    static final Tariff NON_SUMMER = electricity(200, 400);
    static final Tariff WATER = new Tariff(UUID.randomUUID(), Utility.WATER, "water", "m³", Set.of(), LocalDate.of(2025, 6, 1),
            null, null, BigDecimal.ZERO, null, List.of(
                    new Band(1, bd("0"), bd("21"), bd("2.55")),
                    new Band(2, bd("21"), bd("27"), bd("3.82")),
                    new Band(3, bd("27"), null, bd("7.65"))));

    static Tariff electricity(int t1, int t2) {
        return new Tariff(UUID.randomUUID(), Utility.ELECTRICITY, "electricity", "kWh", Set.of(), LocalDate.of(2012, 7, 1), null,
                5, bd("100"), null, List.of(
                        new Band(1, bd("0"), BigDecimal.valueOf(t1), T1),
                        new Band(2, BigDecimal.valueOf(t1), BigDecimal.valueOf(t2), T1.add(bd("0.05"))),
                        new Band(3, BigDecimal.valueOf(t2), null, T1.add(bd("0.30")))));
    }

    static BigDecimal bd(String s) {
        return new BigDecimal(s);
    }

    @ParameterizedTest(name = "{0} {1} units, household {2} = {3}")
    @CsvSource({
        // The five checks.
        "SUMMER, 300, 1, 181.66", // 260×0.59886875 + 40×0.64886875 = 155.705875 + 25.95475 = 181.660625
        "SUMMER, 700, 1, 466.21", // 155.705875 + 340×0.64886875 + 100×0.89886875 = 466.208125
        "NON_SUMMER, 300, 1, 184.66", // 200×0.59886875 + 100×0.64886875 = 119.77375 + 64.886875 = 184.660625
        "WATER, 25, 1, 68.83", // 21×2.55 + 4×3.82 = 53.55 + 15.28
        "WATER, 30, 1, 99.42", // 53.55 + 6×3.82 + 3×7.65 = 53.55 + 22.92 + 22.95
        // Every band boundary.
        "SUMMER, 0, 1, 0.00",
        "SUMMER, 260, 1, 155.71", // 155.705875
        "SUMMER, 261, 1, 156.35", // 155.705875 + 0.64886875 = 156.35474375
        "SUMMER, 600, 1, 376.32", // 155.705875 + 220.615375 = 376.32125
        "SUMMER, 601, 1, 377.22", // 376.32125 + 0.89886875 = 377.22011875
        "NON_SUMMER, 0, 1, 0.00",
        "NON_SUMMER, 200, 1, 119.77", // 119.77375
        "NON_SUMMER, 400, 1, 249.55", // 119.77375 + 129.77375 = 249.5475
        "NON_SUMMER, 401, 1, 250.45", // 249.5475 + 0.89886875 = 250.44636875
        "WATER, 0, 1, 0.00",
        "WATER, 21, 1, 53.55", // 21×2.55
        "WATER, 27, 1, 76.47", // 53.55 + 6×3.82
        "WATER, 28, 1, 84.12", // 76.47 + 7.65
        // Five-person households: every threshold +100 kWh.
        "SUMMER, 360, 5, 215.59", // 360×0.59886875 = 215.59275
        "SUMMER, 300, 5, 179.66", // 300×0.59886875 = 179.660625
        "SUMMER, 700, 5, 436.21", // 360×0.59886875 + 340×0.64886875 = 215.59275 + 220.615375 = 436.208125
        "SUMMER, 700, 4, 466.21", // four people: the ordinary thresholds
    })
    void chargesTheExampleTariffs(String which, String usage, int household, String expected) {
        Tariff tariff = switch (which) {
            case "SUMMER" -> SUMMER;
            case "NON_SUMMER" -> NON_SUMMER;
            default -> WATER;
        };
        Charge charge = TariffCalculator.charge(tariff, bd(usage), household);
        assertThat(charge.totalFen()).isEqualTo(bd(expected).movePointRight(2).longValueExact());
        assertThat(charge.lines().stream().mapToLong(Charge.Line::amountFen).sum()).isEqualTo(charge.totalFen());
    }

    @Test
    void linesExplainBandUnitsPriceAndAmount() {
        Charge charge = TariffCalculator.charge(WATER, bd("30"), 1);
        assertThat(charge.lines()).extracting(Charge.Line::description)
                .containsExactly("Tier 1 (0–21 m³)", "Tier 2 (21–27 m³)", "Tier 3 (above 27 m³)");
        assertThat(charge.lines()).extracting(l -> l.quantity().toPlainString()).containsExactly("21", "6", "3");
        assertThat(charge.lines()).extracting(Charge.Line::amountFen).containsExactly(5355L, 2292L, 2295L);
        assertThat(charge.lines().get(1).unitPrice()).isEqualByComparingTo("3.82");
    }

    @Test
    void roundingDifferenceBetweenLinesAndTotalIsAnExplicitLine() {
        // Lines round to 155.71 + 220.62 + 89.89 = 466.22; the exact total 466.208125 rounds to 466.21.
        Charge charge = TariffCalculator.charge(SUMMER, bd("700"), 1);
        assertThat(charge.lines()).hasSize(4);
        assertThat(charge.lines().get(3).amountFen()).isEqualTo(-1);
        assertThat(charge.lines().get(3).description()).startsWith("Rounding adjustment");
    }

    @Test
    void zeroUsageIsOneZeroLine() {
        Charge charge = TariffCalculator.charge(WATER, BigDecimal.ZERO, 1);
        assertThat(charge.lines()).hasSize(1);
        assertThat(charge.totalFen()).isZero();
    }

    @Test
    void refusesNegativeUsage() {
        assertThatThrownBy(() -> TariffCalculator.charge(WATER, bd("-1"), 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
