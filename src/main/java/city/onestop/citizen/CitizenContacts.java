package city.onestop.citizen;

import java.util.UUID;
import reactor.core.publisher.Mono;

/** How to reach a citizen (the notification module's delivery channels): phone and chosen language. */
public interface CitizenContacts {

    /** {@code phoneE164} such as {@code +8613800138000}; {@code language} {@code zh-CN} or {@code en}. */
    record Contact(UUID citizenId, String phoneE164, String language) {}

    /** The citizen's contact; empty when there is no such citizen. */
    Mono<Contact> findContact(UUID citizenId);
}
