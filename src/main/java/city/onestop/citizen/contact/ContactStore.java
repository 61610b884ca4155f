package city.onestop.citizen.contact;

import city.onestop.citizen.CitizenContacts;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** {@link CitizenContacts} and the language setting, on the {@code citizen} table's {@code phone} and {@code language}. */
@Component
class ContactStore implements CitizenContacts {

    private final DatabaseClient db;

    ContactStore(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<Contact> findContact(UUID citizenId) {
        return db.sql("SELECT phone, language FROM citizen WHERE id = :id")
                .bind("id", citizenId)
                // Phones are mainland mobile numbers (citizen_phone_format): +86 makes them E.164.
                .map(r -> new Contact(citizenId, "+86" + r.get("phone", String.class), r.get("language", String.class)))
                .one();
    }

    /** Sets the language; empty when there is no such citizen. */
    Mono<String> setLanguage(UUID citizenId, String language) {
        return db.sql("UPDATE citizen SET language = :l WHERE id = :id RETURNING language")
                .bind("l", language)
                .bind("id", citizenId)
                .map(r -> r.get("language", String.class))
                .one();
    }
}
