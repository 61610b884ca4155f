package city.onestop.billing.account;

import city.onestop.billing.Money;
import city.onestop.billing.Utility;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/** A bill; {@code lines} (which band, how many units, at what price) are present on the single-bill view. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BillView(
        UUID id, UUID accountId, Utility utility, String accountNumber, String period, BigDecimal usage, Money total,
        String status, LocalDate dueDate, List<Line> lines) {

    public record Line(String description, BigDecimal quantity, String unit, BigDecimal unitPrice, Money amount) {}

    BillView withLines(List<Line> lines) {
        return new BillView(id, accountId, utility, accountNumber, period, usage, total, status, dueDate, lines);
    }
}
