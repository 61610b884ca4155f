package city.onestop.billing;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * Published after a bill was written and committed. {@code citizenIds} are the citizens linked to the account at that
 * moment (often none: a household links its account after the first bill). {@code period} is {@code yyyy-MM}.
 */
public record BillIssued(UUID billId, UUID accountId, Utility utility, String period, Money total, LocalDate dueDate,
        List<UUID> citizenIds) {}
