package city.onestop.platform;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque pagination cursors: the client gets {@code next}, passes it back as {@code ?cursor=}, and never
 * parses it. A cursor that was not made by us is a 400, not a 500. The encoding is {@link Keyset}'s alone (and
 * {@link Page}'s, which encodes a Keyset position): modules page with {@link Keyset}, so there is one cursor format.
 */
public final class Cursors {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    private Cursors() {}

    static String encode(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("INVALID_CURSOR", "The cursor is not one this API returned");
        }
    }

    /** The requested limit, defaulted and capped; 400 when below 1. */
    public static int limit(Integer requested) {
        if (requested == null) {
            return DEFAULT_LIMIT;
        }
        if (requested < 1) {
            throw ProblemException.badRequest("INVALID_LIMIT", "limit must be at least 1");
        }
        return Math.min(requested, MAX_LIMIT);
    }
}
