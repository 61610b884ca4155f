package city.onestop.billing.account;

import city.onestop.billing.BillingError;
import city.onestop.platform.AuditLog;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.Cursors;
import city.onestop.platform.Keyset;
import city.onestop.platform.Page;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** The bills citizens see (scoped to their linked accounts), and an operator's cancellation of an unpaid bill. */
@Service
public class Bills {

    private static final List<String> STATUSES = List.of("ACTIVE", "PAID", "EXPIRED", "CANCELLED");

    private final BillRepository bills;
    private final TransactionalOperator tx;
    private final AuditLog audit;

    Bills(BillRepository bills, TransactionalOperator tx, AuditLog audit) {
        this.bills = bills;
        this.tx = tx;
        this.audit = audit;
    }

    /** Bills of accounts linked to the citizen, newest period first. */
    public Mono<Page<BillView>> listLinked(UUID citizen, @Nullable String status, @Nullable UUID accountId, @Nullable String period,
            @Nullable Integer limit, @Nullable String cursor) {
        return Mono.defer(() -> {
            int n = Cursors.limit(limit);
            if (status != null && !STATUSES.contains(status)) {
                return Mono.error(new BillingError.InvalidStatus("status must be ACTIVE, PAID, EXPIRED or CANCELLED"));
            }
            LocalDate month = period == null ? null : Periods.parse(period).atDay(1);
            Keyset.Position position = Keyset.decode(cursor);
            BillRepository.After after = position == null ? null : new BillRepository.After(position.date(), position.uuid());
            return bills.listLinked(citizen, new BillRepository.Filter(status, accountId, month), after, n + 1)
                    .map(items -> Page.of(items, n, last -> Keyset.position(YearMonth.parse(last.period()).atDay(1), last.id())));
        });
    }

    /** The bill with its lines if its account is linked to the citizen; {@code BillNotFound} otherwise. */
    public Mono<BillView> getLinked(UUID citizen, UUID billId) {
        return bills.findLinked(citizen, billId)
                .switchIfEmpty(Mono.error(() -> new BillingError.BillNotFound(billId)))
                .flatMap(bill -> bills.listLines(billId).map(bill::withLines));
    }

    /**
     * Cancels an unpaid bill (operator), e.g. after a misread meter, with its audit row; a new bill for the period may
     * then be generated from a corrected reading. The bill row is locked first, like a new payment does, so a bill is
     * never cancelled while a payment of it is open, nor paid once cancelled.
     */
    public Mono<BillView> cancel(CurrentUser operator, UUID billId) {
        return bills.lockStatus(billId)
                .switchIfEmpty(Mono.error(() -> new BillingError.BillNotFound(billId)))
                .flatMap(status -> !"ACTIVE".equals(status)
                        ? Mono.error(new BillingError.BillNotCancellable(status))
                        : bills.hasOpenPayment(billId))
                .flatMap(open -> open
                        ? Mono.error(new BillingError.PaymentInProgress("A payment of this bill is in progress"))
                        : bills.markCancelled(billId))
                .then(Mono.defer(() -> bills.find(billId)))
                .flatMap(bill -> audit.record(AuditLog.AuditEntry.of(operator, "BILL_CANCELLED", "bill:" + billId,
                        AuditLog.Outcome.SUCCESS)).thenReturn(bill))
                .as(tx::transactional);
    }
}
