package city.onestop.citizen.identity;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;

/**
 * The 18-character resident identity number of GB 11643-1999: a 6-digit region code, the birth date
 * (YYYYMMDD), a 3-digit sequence and a check character computed with ISO 7064 MOD 11-2 ({@code X} stands for 10).
 */
public final class ResidentIdNumber {

    private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    private static final char[] CHECK = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

    private ResidentIdNumber() {}

    /** The number in canonical form (trimmed, upper-case {@code X}), or empty when it is not a valid resident ID. */
    public static Optional<String> normalize(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.trim().toUpperCase(Locale.ROOT);
        if (s.length() != 18) {
            return Optional.empty();
        }
        for (int i = 0; i < 17; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return Optional.empty();
            }
        }
        char last = s.charAt(17);
        if (!(last >= '0' && last <= '9') && last != 'X') {
            return Optional.empty();
        }
        if (s.charAt(0) == '0' || s.charAt(0) == '9' || !validBirthDate(s.substring(6, 14))) {
            return Optional.empty();
        }
        return checkCharacter(s.substring(0, 17)) == last ? Optional.of(s) : Optional.empty();
    }

    public static boolean isValid(String raw) {
        return normalize(raw).isPresent();
    }

    /** ISO 7064 MOD 11-2 check character of the first 17 digits. */
    static char checkCharacter(String first17) {
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += (first17.charAt(i) - '0') * WEIGHTS[i];
        }
        return CHECK[sum % 11];
    }

    /** First 4 and last 4 characters, the 10 between as {@code *}: {@code 4405**********0014}. */
    public static String mask(String number) {
        if (number.length() != 18) {
            throw new IllegalArgumentException("Not an 18-character ID number");
        }
        return number.substring(0, 4) + "*".repeat(10) + number.substring(14);
    }

    private static boolean validBirthDate(String yyyymmdd) {
        try {
            LocalDate date = LocalDate.of(
                    Integer.parseInt(yyyymmdd.substring(0, 4)),
                    Integer.parseInt(yyyymmdd.substring(4, 6)),
                    Integer.parseInt(yyyymmdd.substring(6, 8)));
            // No clock here: the upper bound only rejects nonsense years; a future date is caught by the year bound
            // loosely, which is fine for a format check (the registry, not us, is the authority on real numbers).
            return date.getYear() >= 1850 && date.getYear() <= 2200;
        } catch (DateTimeException | NumberFormatException e) {
            return false;
        }
    }
}
