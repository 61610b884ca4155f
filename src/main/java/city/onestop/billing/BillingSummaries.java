package city.onestop.billing;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** What other modules (the citizen's dashboard) may ask billing about a citizen, without reaching into its tables. */
public interface BillingSummaries {

    /** The unpaid (ACTIVE) bills of every account linked to the citizen, earliest due date first; at most {@code limit}. */
    Mono<List<UnpaidBill>> unpaidBills(UUID citizenId, int limit);

    /** Unpaid (ACTIVE) bills due in {@code [from, to]}, with the citizens linked to their accounts now (for reminders). */
    Flux<DueBill> findBillsDueBetween(LocalDate from, LocalDate to);

    /** One unpaid bill: {@code period} is {@code yyyy-MM}. */
    record UnpaidBill(UUID id, UUID accountId, Utility utility, String period, Money total, LocalDate dueDate) {}

    /** An unpaid bill coming due and who should hear about it. */
    record DueBill(UnpaidBill bill, List<UUID> citizenIds) {}
}
