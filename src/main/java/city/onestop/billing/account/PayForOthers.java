package city.onestop.billing.account;

import city.onestop.billing.BillingError;
import city.onestop.billing.Money;
import city.onestop.billing.Utility;
import city.onestop.platform.AuditLog;
import city.onestop.platform.AuditLog.AuditEntry;
import city.onestop.platform.AuditLog.Outcome;
import city.onestop.platform.RateLimiter;
import city.onestop.platform.RateLimiter.Limit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Paying someone else's bill (a parent's) by the account number printed on it, without linking their account: a
 * lookup shows the account's open bills (amount due, period, due date, the holder's name masked) and nothing else, no
 * usage, no readings, no history; for {@link #LOOKUP_VALID} afterwards the citizen may pay those bills. Lookups are
 * audited and limited per citizen, so account numbers cannot be walked to collect names and amounts.
 */
@Service
public class PayForOthers {

    /** How long a lookup lets its citizen pay the bills it showed. */
    public static final Duration LOOKUP_VALID = Duration.ofHours(24);
    /** Lookups per citizen and day, found or not. */
    static final Limit LOOKUPS = new Limit(20, Duration.ofDays(1));

    /** An open bill of an account the citizen looked up: what paying it needs, nothing more. */
    public record PayableBill(UUID billId, Utility utility, String accountNumber, String holder, String period, Money amountDue,
            LocalDate dueDate) {}

    public record PayableBills(List<PayableBill> items, Instant payableUntil) {}

    private final BillLookupRepository lookups;
    private final TransactionalOperator tx;
    private final RateLimiter limiter;
    private final AuditLog audit;
    private final Clock clock;

    PayForOthers(BillLookupRepository lookups, TransactionalOperator tx, RateLimiter limiter, AuditLog audit, Clock clock) {
        this.lookups = lookups;
        this.tx = tx;
        this.limiter = limiter;
        this.audit = audit;
        this.clock = clock;
    }

    /** The account's open bills, remembered as payable by this citizen for {@link #LOOKUP_VALID}; 404 for no such account. */
    public Mono<PayableBills> lookUp(UUID citizen, Utility utility, String accountNumber) {
        return limiter.tryAcquire("billing:bill-lookup:citizen:" + citizen, LOOKUPS)
                .flatMap(d -> d.allowed() ? Mono.empty()
                        : Mono.error(new BillingError.BillLookupsLimited(
                                "You looked up " + LOOKUPS.permits() + " accounts today; try again later", d.retryAfterSeconds())))
                .then(Mono.defer(() -> lookUpAllowed(citizen, utility, accountNumber)));
    }

    private Mono<PayableBills> lookUpAllowed(UUID citizen, Utility utility, String accountNumber) {
        Instant now = clock.instant();
        return lookups.findActiveAccount(utility, accountNumber)
                .switchIfEmpty(Mono.defer(() -> audit.record(new AuditEntry(citizen, "CITIZEN", "BILL_LOOKUP",
                                "account:" + utility + ":" + maskNumber(accountNumber), Outcome.FAILURE))
                        .as(tx::transactional)
                        .then(Mono.error(new BillingError.AccountNotFound(utility + " " + accountNumber)))))
                .flatMap(accountId -> lookups.listOpenBills(accountId)
                        .flatMap(bills -> lookups.remember(citizen, bills.stream().map(PayableBill::billId).toList(), now,
                                        now.minus(LOOKUP_VALID))
                                .then(audit.record(new AuditEntry(citizen, "CITIZEN", "BILL_LOOKUP", "account:" + accountId,
                                        Outcome.SUCCESS)))
                                .as(tx::transactional)
                                .thenReturn(new PayableBills(bills, now.plus(LOOKUP_VALID)))));
    }

    /** The bill, when the citizen may pay it: linked to one of their accounts, or looked up within {@link #LOOKUP_VALID}. */
    public Mono<UUID> findPayable(UUID citizen, UUID billId) {
        return Mono.defer(() -> lookups.findPayable(citizen, billId, clock.instant().minus(LOOKUP_VALID)));
    }

    /** 张三 → *三, 欧阳娜娜 → ***娜, Li Wei → ******i: enough for a payer to recognise a parent, not to learn a name. */
    static String maskName(String name) {
        if (name == null || name.isBlank()) return "*";
        int[] cps = name.strip().codePoints().toArray();
        if (cps.length == 1) return "*";
        return "*".repeat(cps.length - 1) + new String(cps, cps.length - 1, 1);
    }

    /** W-DEMO-0001 → W-****-0001 style: the last four characters stay. */
    static String maskNumber(String number) {
        if (number.length() <= 4) return "*".repeat(number.length());
        return "*".repeat(Math.min(8, number.length() - 4)) + number.substring(number.length() - 4);
    }
}
