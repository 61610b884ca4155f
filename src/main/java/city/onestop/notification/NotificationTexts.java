package city.onestop.notification;

import city.onestop.billing.Money;
import city.onestop.citizen.CitizenContacts;
import city.onestop.platform.Texts;
import java.util.Locale;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Notification texts in the citizen's chosen language (zh-CN unless they chose English), from the bundles. */
@Component
class NotificationTexts {

    private final Texts texts;
    private final CitizenContacts contacts;

    NotificationTexts(Texts texts, CitizenContacts contacts) {
        this.texts = texts;
        this.contacts = contacts;
    }

    Mono<Locale> languageOf(UUID citizenId) {
        return contacts.findContact(citizenId).map(c -> Texts.language(c.language())).defaultIfEmpty(Texts.CHINESE);
    }

    String text(String key, Locale language, Object... args) {
        return texts.text(key, language, args);
    }

    String money(Money m, Locale language) {
        return texts.text("money", language, m.amount(), m.currency());
    }

    /** A title and body, stored together. */
    record Text(String title, String body) {}
}
