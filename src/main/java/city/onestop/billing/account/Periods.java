package city.onestop.billing.account;

import city.onestop.billing.BillingError;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;

/** Billing periods are calendar months written {@code YYYY-MM}; anything else is {@link BillingError.InvalidPeriod}. */
public final class Periods {

    private Periods() {}

    public static YearMonth parse(String period) {
        if (period == null || !period.matches("\\d{4}-\\d{2}")) {
            throw new BillingError.InvalidPeriod();
        }
        try {
            return YearMonth.parse(period);
        } catch (DateTimeParseException e) {
            throw new BillingError.InvalidPeriod();
        }
    }
}
