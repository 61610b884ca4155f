package city.onestop.billing;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** One page of a cursor-paginated collection; {@code next} is absent at the end. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Page<T>(List<T> items, String next) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    public static int limit(Integer requested) {
        if (requested == null) {
            return DEFAULT_LIMIT;
        }
        if (requested < 1) {
            throw city.onestop.platform.ProblemException.badRequest("INVALID_LIMIT", "limit must be at least 1");
        }
        return Math.min(requested, MAX_LIMIT);
    }

    /** An opaque cursor from the sort key of the last item returned. */
    public static String cursor(String... parts) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(String.join("|", parts).getBytes(StandardCharsets.UTF_8));
    }

    /** The parts of a cursor, or 400 {@code INVALID_CURSOR}. */
    public static String[] parts(String cursor, int expected) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", -1);
            if (parts.length != expected) {
                throw new IllegalArgumentException();
            }
            return parts;
        } catch (IllegalArgumentException e) {
            throw city.onestop.platform.ProblemException.badRequest("INVALID_CURSOR", "cursor is not one this API returned");
        }
    }
}
