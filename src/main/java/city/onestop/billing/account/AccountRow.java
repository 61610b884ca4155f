package city.onestop.billing.account;

import city.onestop.billing.Utility;
import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * One validated account from an operator import or the create endpoint. {@code holderIdNumber} (the holder's full
 * resident ID, sealed before it is stored) and {@code holderPhone} (E.164, where link codes go) are optional: without
 * them a citizen cannot link the account at once nor by code.
 */
public record AccountRow(
        Utility utility, String accountNumber, String serviceAddress, int householdSize, String holderName,
        String holderIdLast4, BigDecimal initialReading, @Nullable String holderIdNumber, @Nullable String holderPhone) {

    public AccountRow(Utility utility, String accountNumber, String serviceAddress, int householdSize, String holderName,
            String holderIdLast4, BigDecimal initialReading) {
        this(utility, accountNumber, serviceAddress, householdSize, holderName, holderIdLast4, initialReading, null, null);
    }
}
