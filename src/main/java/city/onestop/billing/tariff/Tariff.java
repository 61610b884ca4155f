package city.onestop.billing.tariff;

import city.onestop.billing.Utility;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * An effective-dated progressive tariff for one utility and season (the calendar months it applies in).
 * Households of at least {@code largeHouseholdMinSize} people get {@code largeHouseholdExtraUnits} added to
 * every band threshold.
 */
public record Tariff(
        UUID id,
        Utility utility,
        String name,
        String unit,
        Set<Integer> months,
        LocalDate effectiveFrom,
        LocalDate effectiveTo,
        Integer largeHouseholdMinSize,
        BigDecimal largeHouseholdExtraUnits,
        String note,
        List<Band> bands) {}
