package city.onestop.billing.tariff;

import java.math.BigDecimal;
import java.util.List;

/** What a usage costs under a tariff: explanatory lines and their total in fen (the sum of the lines). */
public record Charge(List<Line> lines, long totalFen) {

    /** One bill line: which band, how many units, at what price, for how much. */
    public record Line(String description, BigDecimal quantity, String unit, BigDecimal unitPrice, long amountFen) {}
}
