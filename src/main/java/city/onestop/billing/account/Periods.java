package city.onestop.billing.account;

import city.onestop.platform.ProblemException;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;

/** Billing periods are calendar months written {@code YYYY-MM}. */
public final class Periods {

    private Periods() {}

    public static YearMonth parse(String period) {
        if (period == null || !period.matches("\\d{4}-\\d{2}")) {
            throw ProblemException.badRequest("INVALID_PERIOD", "period must be a month written YYYY-MM, e.g. 2026-10");
        }
        try {
            return YearMonth.parse(period);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("INVALID_PERIOD", "period must be a month written YYYY-MM, e.g. 2026-10");
        }
    }
}
