package city.onestop.booking.persistence;

import city.onestop.platform.ProblemException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/** An opaque keyset position: a time and an id, base64url encoded. */
public record Cursor(Instant at, UUID id) {

    public String encode() {
        String raw = at.getEpochSecond() + ":" + at.getNano() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Null for a null or blank cursor; 400 {@code INVALID_CURSOR} for one we did not make. */
    public static Cursor decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":", 3);
            return new Cursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])), UUID.fromString(parts[2]));
        } catch (RuntimeException e) {
            throw ProblemException.badRequest("INVALID_CURSOR", "The cursor is not one this API returned");
        }
    }

    /** The requested page size: default 20, at most 100, at least 1. */
    public static int limit(Integer limit) {
        if (limit == null) {
            return 20;
        }
        if (limit < 1) {
            throw ProblemException.badRequest("INVALID_LIMIT", "limit must be at least 1");
        }
        return Math.min(limit, 100);
    }
}
