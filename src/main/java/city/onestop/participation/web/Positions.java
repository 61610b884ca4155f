package city.onestop.participation.web;

import city.onestop.platform.Cursors;
import city.onestop.platform.ProblemException;
import java.time.Instant;
import java.util.UUID;

/** Keyset positions inside participation's cursors: {@code <instant or "none">|<uuid>}. */
record Positions(Instant at, UUID id) {

    static final String NONE = "none";

    static Positions decode(String cursor) {
        if (cursor == null) return new Positions(null, null);
        String text = Cursors.decode(cursor);
        int bar = text.indexOf('|');
        try {
            if (bar < 0) throw new IllegalArgumentException("no separator");
            String at = text.substring(0, bar);
            return new Positions(NONE.equals(at) ? null : Instant.parse(at), UUID.fromString(text.substring(bar + 1)));
        } catch (RuntimeException e) {
            throw ProblemException.badRequest("INVALID_CURSOR", "The cursor is not one this API returned");
        }
    }

    static String position(Instant at, UUID id) {
        return (at == null ? NONE : at.toString()) + "|" + id;
    }
}
