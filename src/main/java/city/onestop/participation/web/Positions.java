package city.onestop.participation.web;

import city.onestop.platform.Keyset;
import java.time.Instant;
import java.util.UUID;

/** Participation's keyset positions (an instant or none, and an id) in the platform's one cursor format, {@link Keyset}. */
record Positions(Instant at, UUID id) {

    static Positions decode(String cursor) {
        Keyset.Position p = Keyset.decode(cursor);
        if (p == null) return new Positions(null, null);
        return new Positions(p.instant(), p.uuid());
    }

    static String position(Instant at, UUID id) {
        return Keyset.position(at, id);
    }
}
