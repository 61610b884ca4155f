package city.onestop.billing.account;

import city.onestop.billing.BillingError;
import city.onestop.billing.Money;
import city.onestop.billing.Utility;
import city.onestop.citizen.ResidentIds;
import io.r2dbc.spi.Readable;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code billing_accounts} rows as accounts are shown (with their balance due): statements only. */
@Component
class AccountRepository {

    private static final int IMPORT_CHUNK = 1000;
    private static final java.util.HexFormat HEX = java.util.HexFormat.of();
    private static final String VIEW = """
            SELECT a.id, a.utility, a.account_number, a.service_address, a.household_size, a.status,
                   COALESCE((SELECT sum(b.total_fen) FROM billing_bills b WHERE b.account_id = a.id AND b.status = 'ACTIVE'), 0)
                       AS due_fen
            FROM billing_accounts a""";

    private final DatabaseClient db;
    private final ResidentIds residentIds;

    AccountRepository(DatabaseClient db, ResidentIds residentIds) {
        this.db = db;
        this.residentIds = residentIds;
    }

    /** Accounts linked to the citizen, with their balance due. */
    Flux<AccountView> listLinked(UUID citizen) {
        return db.sql(VIEW + " JOIN billing_account_links l ON l.account_id = a.id WHERE l.citizen_id = :citizen "
                        + "ORDER BY a.utility, a.account_number")
                .bind("citizen", citizen)
                .map(AccountRepository::view)
                .all();
    }

    /** The account if it is linked to the citizen. */
    Mono<AccountView> findLinked(UUID citizen, UUID accountId) {
        return db.sql(VIEW + " JOIN billing_account_links l ON l.account_id = a.id WHERE l.citizen_id = :citizen AND a.id = :id")
                .bind("citizen", citizen)
                .bind("id", accountId)
                .map(AccountRepository::view)
                .one();
    }

    Mono<AccountView> findByNumber(Utility utility, String accountNumber) {
        return db.sql(VIEW + " WHERE a.utility = :utility AND a.account_number = :number")
                .bind("utility", utility.name())
                .bind("number", accountNumber)
                .map(AccountRepository::view)
                .one();
    }

    /**
     * Inserts the rows in chunks (new accounts), or with {@code update} updates the existing ones too (an import: a
     * changed holder clears the stored ID and phone unless the row gives them); {@code AccountExists} for a duplicate.
     */
    Mono<Integer> upsert(List<AccountRow> rows, boolean update, OffsetDateTime now) {
        String onConflict = update
                ? """
                  ON CONFLICT (utility, account_number) DO UPDATE SET service_address = EXCLUDED.service_address,
                      household_size = EXCLUDED.household_size, holder_name = EXCLUDED.holder_name,
                      holder_id_last4 = EXCLUDED.holder_id_last4,
                      holder_id_cipher = CASE WHEN EXCLUDED.holder_id_fingerprint IS NOT NULL THEN EXCLUDED.holder_id_cipher
                          WHEN EXCLUDED.holder_name = billing_accounts.holder_name
                               AND EXCLUDED.holder_id_last4 = billing_accounts.holder_id_last4 THEN billing_accounts.holder_id_cipher END,
                      holder_id_fingerprint = CASE WHEN EXCLUDED.holder_id_fingerprint IS NOT NULL THEN EXCLUDED.holder_id_fingerprint
                          WHEN EXCLUDED.holder_name = billing_accounts.holder_name
                               AND EXCLUDED.holder_id_last4 = billing_accounts.holder_id_last4 THEN billing_accounts.holder_id_fingerprint END,
                      holder_phone = CASE WHEN EXCLUDED.holder_phone IS NOT NULL THEN EXCLUDED.holder_phone
                          WHEN EXCLUDED.holder_name = billing_accounts.holder_name
                               AND EXCLUDED.holder_id_last4 = billing_accounts.holder_id_last4 THEN billing_accounts.holder_phone END"""
                : "";
        return Flux.range(0, (rows.size() + IMPORT_CHUNK - 1) / IMPORT_CHUNK)
                .concatMap(chunk -> {
                    List<AccountRow> part = rows.subList(chunk * IMPORT_CHUNK, Math.min(rows.size(), (chunk + 1) * IMPORT_CHUNK));
                    // Sealed here, so the full ID number never reaches SQL; hex because bytea[] does not bind as an array.
                    List<ResidentIds.ProtectedId> sealed = part.stream()
                            .map(r -> r.holderIdNumber() == null ? null : residentIds.protect(r.holderIdNumber()).orElse(null))
                            .toList();
                    return db.sql("""
                                    INSERT INTO billing_accounts (id, utility, account_number, service_address, household_size,
                                        holder_name, holder_id_last4, initial_reading, status, created_at, holder_id_cipher,
                                        holder_id_fingerprint, holder_phone)
                                    SELECT id, utility, account_number, service_address, household_size, holder_name,
                                           holder_id_last4, initial_reading, 'ACTIVE', :now, decode(cipher, 'hex'),
                                           decode(fingerprint, 'hex'), phone
                                    FROM unnest(:ids::uuid[], :utilities::text[], :numbers::text[], :addresses::text[],
                                                :households::int[], :names::text[], :last4s::text[], :initials::numeric[],
                                                :ciphers::text[], :fingerprints::text[], :phones::text[])
                                         AS t(id, utility, account_number, service_address, household_size, holder_name,
                                              holder_id_last4, initial_reading, cipher, fingerprint, phone)
                                    """ + onConflict)
                            .bind("ciphers", sealed.stream().map(p -> p == null ? null : HEX.formatHex(p.cipher())).toArray(String[]::new))
                            .bind("fingerprints", sealed.stream().map(p -> p == null ? null : HEX.formatHex(p.fingerprint()))
                                    .toArray(String[]::new))
                            .bind("phones", part.stream().map(AccountRow::holderPhone).toArray(String[]::new))
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
                .onErrorMap(org.springframework.dao.DataIntegrityViolationException.class, e -> new BillingError.AccountExists());
    }

    static AccountView view(Readable r) {
        return new AccountView(r.get("id", UUID.class), Utility.valueOf(r.get("utility", String.class)),
                r.get("account_number", String.class), r.get("service_address", String.class),
                r.get("household_size", Integer.class), r.get("status", String.class),
                Money.ofFen(((Number) r.get("due_fen")).longValue()));
    }
}
