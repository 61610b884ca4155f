package city.onestop.booking.persistence;

import city.onestop.platform.Cursors;
import city.onestop.platform.ProblemException;
import java.time.Instant;
import java.util.UUID;

/** An opaque keyset position: a time and an id, base64url encoded. */
public record Cursor(Instant at, UUID id) {

    /** The raw position, for {@link city.onestop.platform.Page#of}, which encodes it. */
    public String position() {
        return at.getEpochSecond() + ":" + at.getNano() + ":" + id;
    }

    public String encode() {
        return Cursors.encode(position());
    }

    /** Null for a null or blank cursor; 400 {@code INVALID_CURSOR} for one we did not make. */
    public static Cursor decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String[] parts = Cursors.decode(cursor).split(":", 3);
            return new Cursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])), UUID.fromString(parts[2]));
        } catch (RuntimeException e) {
            throw ProblemException.badRequest("INVALID_CURSOR", "The cursor is not one this API returned");
        }
    }

    /** The requested page size: default 20, at most 100, at least 1. */
    public static int limit(Integer limit) {
        return Cursors.limit(limit);
    }
}
