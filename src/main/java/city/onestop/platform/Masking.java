package city.onestop.platform;

/** Masks personal data for logs, audit rows and API responses. */
public final class Masking {

    private Masking() {}

    /** {@code 13800138000} → {@code 138****8000}. */
    public static String phone(String phone) {
        if (phone == null || phone.length() < 7) {
            return "***";
        }
        return phone.substring(0, 3) + "*".repeat(phone.length() - 7) + phone.substring(phone.length() - 4);
    }

    /** An 18-digit resident id → first 4, 10 stars, last 4: {@code 4401**********1234}. */
    public static String idNumber(String id) {
        if (id == null || id.length() < 8) {
            return "****";
        }
        return id.substring(0, 4) + "*".repeat(id.length() - 8) + id.substring(id.length() - 4);
    }
}
