package city.onestop.platform.i18n;

import city.onestop.platform.Texts;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

/**
 * {@link Texts} on the {@code messages} bundles. Both bundles are read once at start-up (reading a bundle is file
 * I/O, which must not happen on an event-loop thread) and kept for the life of the process.
 */
@Component
public class BundleTexts implements Texts {

    private static final Logger log = LoggerFactory.getLogger(BundleTexts.class);

    private final ResourceBundleMessageSource bundles = new ResourceBundleMessageSource();

    BundleTexts() {
        bundles.setBasename("messages");
        bundles.setDefaultEncoding("UTF-8");
        bundles.setFallbackToSystemLocale(false);
        bundles.setUseCodeAsDefaultMessage(false);
        for (Locale l : SUPPORTED) {
            bundles.getMessage("language.zh-CN", null, l); // loads and caches the bundle now
        }
    }

    @Override
    public String text(String key, Locale language, Object... args) {
        return find(key, language, args).orElseGet(() -> {
            log.warn("No text for message key {} ({})", key, language.toLanguageTag());
            return key;
        });
    }

    @Override
    public Optional<String> find(String key, Locale language, Object... args) {
        // With a null default a missing key is null, not a NoSuchMessageException: a problem answered in Chinese looks
        // up keys that are often absent (a detail by code), and the exception's stack trace was a per-request cost.
        return Optional.ofNullable(bundles.getMessage(key, args.length == 0 ? null : args, null, language));
    }

    /**
     * Localizes a problem for the request's language: for Chinese, the title by code (else by status) and the
     * detail by code when the code's detail is fixed; the API's English titles and details are the English texts.
     * The {@code code} and {@code type} never change.
     */
    public ProblemDetail localize(ProblemDetail problem, Locale language) {
        if (language.getLanguage().equals(ENGLISH.getLanguage())) return problem;
        Object code = problem.getProperties() == null ? null : problem.getProperties().get("code");
        String title = code == null ? null : find("problem." + code + ".title", language).orElse(null);
        if (title == null) title = find("problem.status." + problem.getStatus() + ".title", language).orElse(null);
        if (title != null) problem.setTitle(title);
        if (code != null) find("problem." + code + ".detail", language).ifPresent(problem::setDetail);
        return problem;
    }
}
