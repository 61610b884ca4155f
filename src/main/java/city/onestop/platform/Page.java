package city.onestop.platform;

import java.util.List;

/** A page of a collection: {@code {"items": [...], "next": "..."}}, {@code next} absent at the end. */
public record Page<T>(List<T> items, String next) {

    /** Builds a page from up to {@code limit + 1} fetched items: the extra one only says there is more. */
    public static <T> Page<T> of(List<T> fetched, int limit, java.util.function.Function<T, String> position) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, null);
        }
        List<T> items = List.copyOf(fetched.subList(0, limit));
        return new Page<>(items, Cursors.encode(position.apply(items.get(items.size() - 1))));
    }
}
