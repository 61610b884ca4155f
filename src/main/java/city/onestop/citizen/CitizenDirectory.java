package city.onestop.citizen;

import java.util.UUID;
import reactor.core.publisher.Mono;

/** Read access to citizens for other modules (billing, booking): the citizen module's public face. */
public interface CitizenDirectory {

    /** The citizen with this id; empty when there is none. */
    Mono<CitizenSummary> findCitizen(UUID id);
}
