package city.onestop.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * Money as the API shows it: a decimal string with exactly two places and a currency, e.g.
 * {@code {"amount":"123.45","currency":"CNY"}}. Inside, amounts are integer fen.
 */
public record Money(String amount, String currency) {

    public static final String CNY = "CNY";
    private static final Pattern AMOUNT = Pattern.compile("\\d{1,12}(\\.\\d{1,2})?");

    public static Money ofFen(long fen) {
        return new Money(BigDecimal.valueOf(fen).movePointLeft(2).setScale(2, RoundingMode.UNNECESSARY).toPlainString(), CNY);
    }

    /** Parses a client-supplied amount into fen: 400 {@code INVALID_AMOUNT} unless it is a non-negative CNY amount with at most two decimals. */
    public static long parseFen(Money money) {
        if (money == null || money.amount() == null || !AMOUNT.matcher(money.amount()).matches()) {
            throw new BillingError.InvalidAmount(
                    "amount must be a decimal string with at most two decimals, e.g. {\"amount\":\"12.50\",\"currency\":\"CNY\"}");
        }
        if (money.currency() != null && !CNY.equals(money.currency())) {
            throw new BillingError.InvalidAmount("currency must be CNY");
        }
        return new BigDecimal(money.amount()).movePointRight(2).longValueExact();
    }
}
