package city.onestop.booking.web;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;

/** Checks an 18-character resident identity number (GB 11643): digits, a valid birth date, the ISO 7064 check character. */
final class ResidentIdNumbers {

    private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    private static final String CHECK = "10X98765432";
    private static final DateTimeFormatter BIRTH = DateTimeFormatter.ofPattern("uuuuMMdd").withResolverStyle(ResolverStyle.STRICT);

    private ResidentIdNumbers() {}

    static boolean isValid(String id, LocalDate today) {
        if (id == null || !id.matches("\\d{17}[\\dX]")) {
            return false;
        }
        try {
            LocalDate birth = LocalDate.parse(id.substring(6, 14), BIRTH);
            if (birth.isAfter(today) || birth.isBefore(LocalDate.of(1880, 1, 1))) {
                return false;
            }
        } catch (RuntimeException e) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += (id.charAt(i) - '0') * WEIGHTS[i];
        }
        return CHECK.charAt(sum % 11) == id.charAt(17);
    }
}
