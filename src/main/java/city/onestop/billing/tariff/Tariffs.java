package city.onestop.billing.tariff;

import city.onestop.billing.Utility;
import city.onestop.platform.AuditLog;
import city.onestop.platform.CurrentUser;
import java.time.YearMonth;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Tariff versions: the one in force for a period, the list, and a new version with its audit row in one transaction. */
@Service
public class Tariffs {

    private final TariffRepository tariffs;
    private final TransactionalOperator tx;
    private final AuditLog audit;

    Tariffs(TariffRepository tariffs, TransactionalOperator tx, AuditLog audit) {
        this.tariffs = tariffs;
        this.tx = tx;
        this.audit = audit;
    }

    /** The tariff in force on the first day of {@code period} for its calendar month; empty when none is. */
    public Mono<Tariff> findInForce(Utility utility, YearMonth period) {
        return tariffs.findInForce(utility, period);
    }

    public Flux<Tariff> listTariffs() {
        return tariffs.list();
    }

    /**
     * Adds a tariff version (operator). Open-ended versions of the same utility sharing a month end where this one
     * starts, so exactly one tariff is in force per period. Invalid bands or months: {@code InvalidTariff}.
     */
    public Mono<Tariff> createTariff(CurrentUser operator, Tariff request) {
        return Mono.defer(() -> tariffs.create(request))
                .flatMap(created -> audit.record(AuditLog.AuditEntry.of(operator, "TARIFF_CREATED",
                                "tariff:" + created.id() + " " + created.utility(), AuditLog.Outcome.SUCCESS))
                        .thenReturn(created))
                .as(tx::transactional);
    }
}
