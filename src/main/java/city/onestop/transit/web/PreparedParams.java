package city.onestop.transit.web;

import city.onestop.transit.TransitIds;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * Query parameters as a prepared read takes them: only in the plain form that the annotated handler converts to the
 * same value (digits, a sign and a decimal point; each parameter at most once). Null means "not plain": the request
 * is then left to the annotated handler, whose conversion and validation errors are the reference.
 */
final class PreparedParams {

    private PreparedParams() {}

    /**
     * The request's query parameters as {@link ServerHttpRequest#getQueryParams()} gives them, without its regular
     * expression and URL decoder for a query without percent-encoding (the platform hands a prepared read only
     * plain ASCII queries): segments split at {@code &}, leading {@code =} skipped, the name up to the first
     * {@code =}, the rest the value ({@code ""} after a bare {@code =}, null without one), {@code +} decoded as a
     * space. Anything with a {@code %} is left to the framework's parser.
     */
    static MultiValueMap<String, String> query(ServerHttpRequest request) {
        String query = request.getURI().getRawQuery();
        if (query == null || query.indexOf('%') >= 0) {
            return request.getQueryParams();
        }
        MultiValueMap<String, String> params = new LinkedMultiValueMap<>(4);
        int length = query.length();
        int start = 0;
        while (start < length) {
            int end = query.indexOf('&', start);
            if (end < 0) end = length;
            int nameStart = start;
            while (nameStart < end && query.charAt(nameStart) == '=') nameStart++;
            if (nameStart < end) {
                int eq = query.indexOf('=', nameStart);
                if (eq < 0 || eq > end) {
                    params.add(plus(query.substring(nameStart, end)), null);
                } else {
                    params.add(plus(query.substring(nameStart, eq)), plus(query.substring(eq + 1, end)));
                }
            }
            start = end + 1;
        }
        return params;
    }

    private static String plus(String text) {
        return text.indexOf('+') < 0 ? text : text.replace('+', ' ');
    }

    /** The parameter's value, the default when it is absent, or null when it is not a plain integer. */
    static @Nullable Integer integer(MultiValueMap<String, String> query, String name, int absent) {
        String text = single(query, name);
        if (text == null) {
            return query.containsKey(name) ? null : absent;
        }
        if (!plain(text, false) || text.length() > 9) {
            return null;
        }
        return Integer.parseInt(text);
    }

    /** The parameter's value, the default when it is absent (null: required), or null when it is not plain. */
    static @Nullable Double decimal(MultiValueMap<String, String> query, String name, @Nullable Double absent) {
        String text = single(query, name);
        if (text == null) {
            return query.containsKey(name) ? null : absent;
        }
        if (!plain(text, true) || text.length() > 24) {
            return null;
        }
        return Double.parseDouble(text);
    }

    static boolean atMostOnce(MultiValueMap<String, String> query, String name) {
        List<String> values = query.get(name);
        return values == null || (values.size() == 1 && values.get(0) != null && !values.get(0).isEmpty());
    }

    /** A {@code feedId:gtfsId} that parses, or null. */
    static @Nullable TransitIds ids(String id) {
        try {
            return TransitIds.parse(id);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static @Nullable String single(MultiValueMap<String, String> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.size() != 1 ? null : values.get(0);
    }

    private static boolean plain(@Nullable String text, boolean decimal) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        int digits = 0;
        boolean point = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '-' && i == 0) {
                continue;
            } else if (c == '.' && decimal && !point) {
                point = true;
            } else {
                return false;
            }
        }
        return digits > 0;
    }
}
