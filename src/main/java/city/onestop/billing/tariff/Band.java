package city.onestop.billing.tariff;

import java.math.BigDecimal;

/** One tier of a progressive tariff: units above {@code lower} up to {@code upper} (open when null) cost {@code unitPrice}. */
public record Band(int number, BigDecimal lower, BigDecimal upper, BigDecimal unitPrice) {}
