package city.onestop.billing;

/** What an account is billed for, and the unit its meter counts. */
public enum Utility {
    WATER("m³"),
    ELECTRICITY("kWh");

    private final String unit;

    Utility(String unit) {
        this.unit = unit;
    }

    public String unit() {
        return unit;
    }
}
