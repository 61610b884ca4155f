package city.onestop.booking;

import city.onestop.platform.Keyset;
import city.onestop.platform.Page;
import java.util.List;

/** Offset pages for the small catalogue lists (sorted in SQL; the tie-breaker is the offset, there is no sort value). */
final class Paging {

    private Paging() {}

    static int decodeOffset(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return 0;
        }
        long offset = Keyset.decode(cursor).number();
        if (offset > Integer.MAX_VALUE) throw new BookingError.InvalidCursor();
        return (int) offset;
    }

    static <T> Page<T> offsetPage(List<T> rows, int limit, int offset) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        String next = Keyset.encode(null, offset + limit);
        return new Page<>(List.copyOf(rows.subList(0, limit)), next);
    }
}
