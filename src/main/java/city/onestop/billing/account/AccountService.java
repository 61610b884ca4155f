package city.onestop.billing.account;

import city.onestop.billing.Money;
import city.onestop.billing.Utility;
import city.onestop.platform.AuditLog;
import city.onestop.platform.ProblemException;
import io.r2dbc.spi.Readable;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Utility accounts, operator imports, and the links between accounts and citizens. */
@Service
public class AccountService {

    private static final int IMPORT_CHUNK = 1000;
    private static final String VIEW = """
            SELECT a.id, a.utility, a.account_number, a.service_address, a.household_size, a.status,
                   COALESCE((SELECT sum(b.total_fen) FROM billing_bills b WHERE b.account_id = a.id AND b.status = 'ACTIVE'), 0)
                       AS due_fen
            FROM billing_accounts a""";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Clock clock;

    private final AuditLog audit;

    AccountService(DatabaseClient db, ReactiveTransactionManager txManager, Clock clock, AuditLog audit) {
        this.audit = audit;
        this.db = db;
        this.tx = TransactionalOperator.create(txManager);
        this.clock = clock;
    }

    /** Accounts linked to the citizen, with their balance due. */
    public Flux<AccountView> listLinked(UUID citizen) {
        return db.sql(VIEW + " JOIN billing_account_links l ON l.account_id = a.id WHERE l.citizen_id = :citizen "
                        + "ORDER BY a.utility, a.account_number")
                .bind("citizen", citizen)
                .map(AccountService::view)
                .all();
    }

    /** The account if it is linked to the citizen; 404 otherwise (never someone else's data). */
    public Mono<AccountView> getLinked(UUID citizen, UUID accountId) {
        return db.sql(VIEW + " JOIN billing_account_links l ON l.account_id = a.id WHERE l.citizen_id = :citizen AND a.id = :id")
                .bind("citizen", citizen)
                .bind("id", accountId)
                .map(AccountService::view)
                .one()
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Account", accountId.toString())));
    }

    /**
     * Links the account to the citizen when the holder's name and the last 4 characters of their ID number
     * match the operator's data. A wrong verification and an unknown account are the same 404, so account
     * numbers cannot be probed.
     */
    public Mono<AccountView> link(UUID citizen, Utility utility, String accountNumber, String holderName, String idLast4) {
        return db.sql("SELECT id, holder_name, holder_id_last4 FROM billing_accounts WHERE utility = :utility AND account_number = :number "
                        + "AND status = 'ACTIVE'")
                .bind("utility", utility.name())
                .bind("number", accountNumber.trim())
                .map(r -> new Holder(r.get("id", UUID.class), r.get("holder_name", String.class), r.get("holder_id_last4", String.class)))
                .one()
                .filter(h -> h.name().strip().equalsIgnoreCase(holderName.strip())
                        && h.idLast4().equalsIgnoreCase(idLast4.strip()))
                // A failed verification writes nothing else: its audit row (account numbers are not personal data) commits alone.
                .switchIfEmpty(Mono.defer(() -> audit.record(new AuditLog.AuditEntry(citizen, "CITIZEN", "ACCOUNT_LINK_FAILED",
                                utility + ":" + accountNumber.trim(), AuditLog.Outcome.FAILURE))
                        .as(tx::transactional)
                        .then(Mono.error(() -> new ProblemException(HttpStatus.NOT_FOUND, "ACCOUNT_NOT_FOUND", "Not found",
                                "No " + utility + " account matches this account number and holder verification")))))
                .flatMap(h -> db.sql("INSERT INTO billing_account_links (account_id, citizen_id, linked_at) VALUES (:a, :c, :now) "
                                + "ON CONFLICT DO NOTHING")
                        .bind("a", h.id())
                        .bind("c", citizen)
                        .bind("now", OffsetDateTime.now(clock))
                        .fetch()
                        .rowsUpdated()
                        .flatMap(n -> n == 0 ? Mono.<Void>empty() : audit.record(new AuditLog.AuditEntry(citizen, "CITIZEN",
                                "ACCOUNT_LINKED", "account:" + h.id(), AuditLog.Outcome.SUCCESS)))
                        .as(tx::transactional)
                        .then(Mono.defer(() -> getLinked(citizen, h.id()))));
    }

    public Mono<Void> unlink(UUID citizen, UUID accountId) {
        return db.sql("DELETE FROM billing_account_links WHERE account_id = :a AND citizen_id = :c")
                .bind("a", accountId)
                .bind("c", citizen)
                .fetch()
                .rowsUpdated()
                .flatMap(n -> n == 0
                        ? Mono.<Void>error(ProblemException.notFound("Account", accountId.toString()))
                        : audit.record(new AuditLog.AuditEntry(citizen, "CITIZEN", "ACCOUNT_UNLINKED", "account:" + accountId,
                                AuditLog.Outcome.SUCCESS)))
                .as(tx::transactional);
    }

    /** Creates one account (operator); 409 when the utility already has this account number. */
    public Mono<AccountView> create(AccountRow row) {
        return upsert(List.of(row), false)
                .then(findByNumber(row.utility(), row.accountNumber()));
    }

    public Mono<AccountView> findByNumber(Utility utility, String accountNumber) {
        return db.sql(VIEW + " WHERE a.utility = :utility AND a.account_number = :number")
                .bind("utility", utility.name())
                .bind("number", accountNumber)
                .map(AccountService::view)
                .one();
    }

    /** Loads validated rows in one transaction (all or none); existing accounts are updated. */
    public Mono<Integer> importAll(List<AccountRow> rows) {
        return upsert(rows, true).as(tx::transactional);
    }

    private Mono<Integer> upsert(List<AccountRow> rows, boolean update) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        String onConflict = update
                ? """
                  ON CONFLICT (utility, account_number) DO UPDATE SET service_address = EXCLUDED.service_address,
                      household_size = EXCLUDED.household_size, holder_name = EXCLUDED.holder_name,
                      holder_id_last4 = EXCLUDED.holder_id_last4"""
                : "";
        return Flux.range(0, (rows.size() + IMPORT_CHUNK - 1) / IMPORT_CHUNK)
                .concatMap(chunk -> {
                    List<AccountRow> part = rows.subList(chunk * IMPORT_CHUNK, Math.min(rows.size(), (chunk + 1) * IMPORT_CHUNK));
                    return db.sql("""
                                    INSERT INTO billing_accounts (id, utility, account_number, service_address, household_size,
                                        holder_name, holder_id_last4, initial_reading, status, created_at)
                                    SELECT id, utility, account_number, service_address, household_size, holder_name,
                                           holder_id_last4, initial_reading, 'ACTIVE', :now
                                    FROM unnest(:ids::uuid[], :utilities::text[], :numbers::text[], :addresses::text[],
                                                :households::int[], :names::text[], :last4s::text[], :initials::numeric[])
                                         AS t(id, utility, account_number, service_address, household_size, holder_name,
                                              holder_id_last4, initial_reading)
                                    """ + onConflict)
                            .bind("now", now)
                            .bind("ids", part.stream().map(r -> UUID.randomUUID()).toArray(UUID[]::new))
                            .bind("utilities", part.stream().map(r -> r.utility().name()).toArray(String[]::new))
                            .bind("numbers", part.stream().map(AccountRow::accountNumber).toArray(String[]::new))
                            .bind("addresses", part.stream().map(AccountRow::serviceAddress).toArray(String[]::new))
                            .bind("households", part.stream().map(AccountRow::householdSize).toArray(Integer[]::new))
                            .bind("names", part.stream().map(AccountRow::holderName).toArray(String[]::new))
                            .bind("last4s", part.stream().map(r -> r.holderIdLast4().toUpperCase(Locale.ROOT)).toArray(String[]::new))
                            .bind("initials", part.stream().map(AccountRow::initialReading).toArray(BigDecimal[]::new))
                            .fetch()
                            .rowsUpdated();
                })
                .reduce(0L, Long::sum)
                .map(Long::intValue)
                .onErrorMap(org.springframework.dao.DataIntegrityViolationException.class, e -> ProblemException.conflict(
                        "ACCOUNT_EXISTS", "An account with this utility and account number already exists"));
    }

    static AccountView view(Readable r) {
        return new AccountView(r.get("id", UUID.class), Utility.valueOf(r.get("utility", String.class)),
                r.get("account_number", String.class), r.get("service_address", String.class),
                r.get("household_size", Integer.class), r.get("status", String.class),
                Money.ofFen(((Number) r.get("due_fen")).longValue()));
    }

    private record Holder(UUID id, String name, String idLast4) {}
}
