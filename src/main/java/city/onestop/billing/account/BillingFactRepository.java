package city.onestop.billing.account;

import city.onestop.billing.BillingFacts;
import city.onestop.billing.Utility;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** {@link BillingFacts} straight from billing's tables: statements only. */
@Component
class BillingFactRepository implements BillingFacts {

    private final DatabaseClient db;

    BillingFactRepository(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<Utility> findAccountUtility(UUID accountId) {
        return db.sql("SELECT utility FROM billing_accounts WHERE id = :id")
                .bind("id", accountId)
                .map(row -> Utility.valueOf(row.get("utility", String.class)))
                .one();
    }

    @Override
    public Mono<Utility> findBillUtility(UUID billId) {
        return db.sql("SELECT a.utility FROM billing_bills b JOIN billing_accounts a ON a.id = b.account_id WHERE b.id = :id")
                .bind("id", billId)
                .map(row -> Utility.valueOf(row.get("utility", String.class)))
                .one();
    }

    @Override
    public Mono<PaymentFact> findPayment(UUID paymentId) {
        return db.sql("""
                        SELECT p.id, p.citizen_id, a.utility, p.status
                        FROM billing_payments p JOIN billing_bills b ON b.id = p.bill_id JOIN billing_accounts a ON a.id = b.account_id
                        WHERE p.id = :id""")
                .bind("id", paymentId)
                .map(row -> new PaymentFact(row.get("id", UUID.class), row.get("citizen_id", UUID.class),
                        Utility.valueOf(row.get("utility", String.class)), row.get("status", String.class)))
                .one();
    }
}
