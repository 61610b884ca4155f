package city.onestop.billing.account;

import city.onestop.billing.BillingError;
import city.onestop.billing.Utility;
import city.onestop.platform.AuditLog;
import city.onestop.platform.CurrentUser;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Utility accounts and operator imports; the links between accounts and citizens are {@link AccountLinks}. */
@Service
public class AccountService {

    private final AccountRepository accounts;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final AuditLog audit;

    AccountService(AccountRepository accounts, TransactionalOperator tx, Clock clock, AuditLog audit) {
        this.accounts = accounts;
        this.tx = tx;
        this.clock = clock;
        this.audit = audit;
    }

    /** Accounts linked to the citizen, with their balance due. */
    public Flux<AccountView> listLinked(UUID citizen) {
        return accounts.listLinked(citizen);
    }

    /** The account if it is linked to the citizen; {@code AccountNotFound} otherwise (never someone else's data). */
    public Mono<AccountView> getLinked(UUID citizen, UUID accountId) {
        return accounts.findLinked(citizen, accountId)
                .switchIfEmpty(Mono.error(() -> new BillingError.AccountNotFound(accountId.toString())));
    }

    /** Creates one account (operator); {@code AccountExists} when the utility already has this account number. */
    public Mono<AccountView> create(AccountRow row) {
        return Mono.defer(() -> accounts.upsert(List.of(row), false, OffsetDateTime.now(clock)))
                .then(Mono.defer(() -> accounts.findByNumber(row.utility(), row.accountNumber())));
    }

    public Mono<AccountView> findByNumber(Utility utility, String accountNumber) {
        return accounts.findByNumber(utility, accountNumber);
    }

    /** Loads validated rows in one transaction (all or none); existing accounts are updated. */
    public Mono<Integer> importAll(List<AccountRow> rows) {
        return Mono.defer(() -> accounts.upsert(rows, true, OffsetDateTime.now(clock))).as(tx::transactional);
    }

    /** Creates one account (operator) with its audit row, in one transaction; {@code AccountExists} when the number exists. */
    public Mono<AccountView> create(CurrentUser operator, AccountRow row) {
        return create(row)
                .flatMap(created -> audit.record(AuditLog.AuditEntry.of(operator, "UTILITY_ACCOUNT_CREATED", "account:" + created.id(),
                                AuditLog.Outcome.SUCCESS))
                        .thenReturn(created))
                .as(tx::transactional);
    }

    /** Loads validated rows (operator) with the import's audit row, in one transaction: all or none. */
    public Mono<Integer> importAll(CurrentUser operator, List<AccountRow> rows) {
        return Mono.defer(() -> accounts.upsert(rows, true, OffsetDateTime.now(clock)))
                .flatMap(n -> audit.record(AuditLog.AuditEntry.of(operator, "UTILITY_ACCOUNTS_IMPORTED", "accounts:" + n,
                                AuditLog.Outcome.SUCCESS))
                        .thenReturn(n))
                .as(tx::transactional);
    }
}
