package city.onestop.billing.account;

/** Meter statuses as in DIGIT (eGov) ws-calculator; RESET and REPLACED allow a reading below the previous one. */
public enum MeterStatus {
    WORKING,
    LOCKED,
    BREAKDOWN,
    RESET,
    REPLACED;

    boolean restartsCount() {
        return this == RESET || this == REPLACED;
    }
}
