package city.onestop.billing.tariff;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Progressive-tier arithmetic. For each band, quantity = clamp(usage − lower, 0, upper − lower), priced per
 * unit; each line is rounded half-up to the fen. The bill total is the exact sum rounded half-up once, which
 * is what the published examples use (summer 700 kWh = 466.21 although the rounded lines add up to 466.22);
 * when the two differ by a fen, an explicit "Rounding adjustment" line keeps total = sum of lines (decision
 * 0501).
 */
public final class TariffCalculator {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private TariffCalculator() {}

    public static Charge charge(Tariff tariff, BigDecimal usage, int householdSize) {
        if (usage.signum() < 0) {
            throw new IllegalArgumentException("usage must not be negative");
        }
        BigDecimal extra = tariff.largeHouseholdMinSize() != null && householdSize >= tariff.largeHouseholdMinSize()
                ? tariff.largeHouseholdExtraUnits()
                : BigDecimal.ZERO;
        List<Charge.Line> lines = new ArrayList<>();
        BigDecimal exactTotal = BigDecimal.ZERO;
        long lineFen = 0;
        for (Band band : tariff.bands()) {
            BigDecimal lower = band.lower().signum() == 0 ? BigDecimal.ZERO : band.lower().add(extra);
            BigDecimal upper = band.upper() == null ? null : band.upper().add(extra);
            BigDecimal quantity = usage.subtract(lower).max(BigDecimal.ZERO);
            if (upper != null) {
                quantity = quantity.min(upper.subtract(lower));
            }
            boolean first = lines.isEmpty() && band.number() == tariff.bands().get(0).number();
            if (quantity.signum() == 0 && !(first && usage.signum() == 0)) {
                continue;
            }
            BigDecimal exact = quantity.multiply(band.unitPrice());
            long fen = toFen(exact);
            exactTotal = exactTotal.add(exact);
            lineFen += fen;
            lines.add(new Charge.Line(describe(band.number(), lower, upper, tariff.unit()), quantity.stripTrailingZeros(),
                    tariff.unit(), band.unitPrice().stripTrailingZeros(), fen));
        }
        long totalFen = toFen(exactTotal);
        if (totalFen != lineFen) {
            long diff = totalFen - lineFen;
            lines.add(new Charge.Line("Rounding adjustment (the total is the exact amount rounded once to the fen)",
                    BigDecimal.ONE, "", BigDecimal.valueOf(diff).movePointLeft(2), diff));
        }
        return new Charge(List.copyOf(lines), totalFen);
    }

    static long toFen(BigDecimal yuan) {
        return yuan.multiply(HUNDRED).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    private static String describe(int number, BigDecimal lower, BigDecimal upper, String unit) {
        String range = upper == null
                ? "above " + lower.stripTrailingZeros().toPlainString() + " " + unit
                : lower.stripTrailingZeros().toPlainString() + "–" + upper.stripTrailingZeros().toPlainString() + " " + unit;
        return "Tier " + number + " (" + range + ")";
    }
}
