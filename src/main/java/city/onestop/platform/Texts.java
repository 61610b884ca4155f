package city.onestop.platform;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * User-facing texts from the message bundles ({@code messages.properties}, zh-CN, the default;
 * {@code messages_en.properties}, English). Keys are stable; a text with arguments is a {@link java.text.MessageFormat}
 * pattern. Requests choose by {@code Accept-Language}; notifications by the citizen's stored language.
 */
public interface Texts {

    Locale CHINESE = Locale.SIMPLIFIED_CHINESE;
    Locale ENGLISH = Locale.ENGLISH;
    List<Locale> SUPPORTED = List.of(CHINESE, ENGLISH);

    /** The text in that language; the key itself when no bundle has it (and that is logged: a missing key is a bug). */
    String text(String key, Locale language, Object... args);

    /** The text in that language, when a bundle has the key. */
    Optional<String> find(String key, Locale language, Object... args);

    /**
     * The supported language that best matches an {@code Accept-Language} value or a language tag ({@code en},
     * {@code en-US}, {@code zh}, {@code zh-CN;q=0.8, en;q=0.9}); zh-CN when nothing matches or the value is absent
     * or malformed.
     */
    static Locale language(@Nullable String acceptLanguage) {
        if (acceptLanguage == null || acceptLanguage.isBlank() || acceptLanguage.length() > 200) return CHINESE;
        try {
            List<Locale> matches = Locale.filter(Locale.LanguageRange.parse(acceptLanguage), SUPPORTED);
            return matches.isEmpty() ? CHINESE : matches.get(0);
        } catch (IllegalArgumentException e) {
            return CHINESE;
        }
    }

    /** Whether the tag names a supported language exactly ({@code zh-CN} or {@code en}). */
    static boolean isSupported(@Nullable String tag) {
        return tag != null && SUPPORTED.stream().anyMatch(l -> l.toLanguageTag().equals(tag));
    }

    /** {@code zh-CN} or {@code en}. */
    static String tag(Locale language) {
        return language.toLanguageTag();
    }
}
