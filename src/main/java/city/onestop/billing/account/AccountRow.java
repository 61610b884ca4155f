package city.onestop.billing.account;

import city.onestop.billing.Utility;
import java.math.BigDecimal;

/** One validated account from an operator import or the create endpoint. */
public record AccountRow(
        Utility utility, String accountNumber, String serviceAddress, int householdSize, String holderName,
        String holderIdLast4, BigDecimal initialReading) {}
