package city.onestop.citizen.contact;

import city.onestop.citizen.identity.CitizenError;
import city.onestop.platform.Texts;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** The citizen's language for notifications (zh-CN or en): the use case behind {@code /api/v1/me/language}. */
@Service
class Languages {

    private final ContactStore store;

    Languages(ContactStore store) {
        this.store = store;
    }

    Mono<String> getLanguage(UUID citizenId) {
        return store.findContact(citizenId)
                .map(c -> c.language())
                .switchIfEmpty(Mono.error(() -> new CitizenError.NotFound("Citizen", "me")));
    }

    /** Sets the language; {@link CitizenError.InvalidLanguage} for one we do not speak. */
    Mono<String> setLanguage(UUID citizenId, String language) {
        if (!Texts.isSupported(language)) {
            return Mono.error(new CitizenError.InvalidLanguage());
        }
        return store.setLanguage(citizenId, language)
                .switchIfEmpty(Mono.error(() -> new CitizenError.NotFound("Citizen", "me")));
    }
}
