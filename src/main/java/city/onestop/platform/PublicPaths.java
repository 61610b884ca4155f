package city.onestop.platform;

import java.util.List;
import org.springframework.http.HttpMethod;

/**
 * Paths a module deliberately exposes without authentication. Each module declares its own as a bean;
 * everything not declared public requires a valid access token.
 */
public record PublicPaths(HttpMethod method, List<String> patterns) {

    public static PublicPaths get(String... patterns) {
        return new PublicPaths(HttpMethod.GET, List.of(patterns));
    }

    public static PublicPaths post(String... patterns) {
        return new PublicPaths(HttpMethod.POST, List.of(patterns));
    }

    public static PublicPaths any(String... patterns) {
        return new PublicPaths(null, List.of(patterns));
    }
}
