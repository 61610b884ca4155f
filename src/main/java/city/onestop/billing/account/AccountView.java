package city.onestop.billing.account;

import city.onestop.billing.Money;
import city.onestop.billing.Utility;
import java.util.UUID;

/** A utility account as its linked citizens (and operators) see it, with the sum of its unpaid bills. */
public record AccountView(
        UUID id, Utility utility, String accountNumber, String serviceAddress, int householdSize, String status,
        Money balanceDue) {}
