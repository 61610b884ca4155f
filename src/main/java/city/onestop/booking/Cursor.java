package city.onestop.booking;

import city.onestop.platform.Cursors;
import city.onestop.platform.Keyset;
import java.time.Instant;
import java.util.UUID;

/** Booking's keyset position (a time and an id) in the platform's one cursor format, {@link Keyset}. */
public record Cursor(Instant at, UUID id) {

    /** The raw position, for {@link city.onestop.platform.Page#of}, which encodes it. */
    public String position() {
        return Keyset.position(at, id);
    }

    public String encode() {
        return Keyset.encode(at, id);
    }

    /** Null for a null or blank cursor; {@link BookingError.InvalidCursor} for one we did not make. */
    public static Cursor decode(String cursor) {
        Keyset.Position p = Keyset.decode(cursor);
        if (p == null) return null;
        Instant at = p.instant();
        if (at == null) throw new BookingError.InvalidCursor();
        return new Cursor(at, p.uuid());
    }

    /** The requested page size: default 20, at most 100, at least 1. */
    public static int limit(Integer limit) {
        return Cursors.limit(limit);
    }
}
