package city.onestop.platform;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The one keyset cursor of the API. A page ordered by {@code (sort, tie)} ends at its last row; the next page starts
 * after it. The position is {@code <sort or "-">|<tie>}, base64url-encoded by {@link Cursors} (a client never parses
 * it): {@code sort} is the ordering value (an instant, a date, a time with offset) or absent, and {@code tie} the
 * unique tie-breaker (an id, a reference, an offset). A cursor we did not make is 400 {@code INVALID_CURSOR}.
 *
 * <pre>{@code
 * Page.of(rows, n, r -> Keyset.position(r.createdAt(), r.id()));
 * Keyset.Position after = Keyset.decode(cursor);   // null for the first page
 * ... WHERE (created_at, id) < (:at, :id) ... bind("at", after.instant()).bind("id", after.uuid())
 * }</pre>
 */
public final class Keyset {

    private static final String NONE = "-";

    private Keyset() {}

    /** The raw position of a row, for {@link Page#of} (which encodes it). */
    public static String position(@Nullable Object sort, Object tie) {
        return (sort == null ? NONE : sort.toString()) + "|" + tie;
    }

    /** The encoded cursor of a row (for pages built by hand). */
    public static String encode(@Nullable Object sort, Object tie) {
        return Cursors.encode(position(sort, tie));
    }

    /** The position a cursor names; {@code null} for a null or blank cursor (the first page); 400 for one not ours. */
    public static @Nullable Position decode(@Nullable String cursor) {
        if (cursor == null || cursor.isBlank()) return null;
        String text = Cursors.decode(cursor);
        int bar = text.indexOf('|');
        if (bar < 0 || bar == text.length() - 1) throw invalid();
        String sort = text.substring(0, bar);
        return new Position(NONE.equals(sort) ? null : sort, text.substring(bar + 1));
    }

    static ProblemException invalid() {
        return ProblemException.badRequest("INVALID_CURSOR", "The cursor is not one this API returned");
    }

    /** A decoded position, read as the type the page was ordered by; each reader answers 400 when it is not that. */
    public record Position(@Nullable String sort, String tie) {

        /** The sort value as an instant; null when the row had none. */
        public @Nullable Instant instant() {
            return sort == null ? null : parse(() -> Instant.parse(sort));
        }

        public LocalDate date() {
            return parse(() -> LocalDate.parse(required()));
        }

        public OffsetDateTime offsetDateTime() {
            return parse(() -> OffsetDateTime.parse(required()));
        }

        public UUID uuid() {
            return parse(() -> UUID.fromString(tie));
        }

        /** The tie-breaker as a non-negative number (an id, an offset). */
        public long number() {
            long n = parse(() -> Long.parseLong(tie));
            if (n < 0) throw invalid();
            return n;
        }

        private String required() {
            if (sort == null) throw invalid();
            return sort;
        }

        private static <T> T parse(java.util.function.Supplier<T> reader) {
            try {
                return reader.get();
            } catch (RuntimeException e) {
                throw invalid();
            }
        }
    }
}
