package city.onestop.citizen;

import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * What one module holds about a citizen, for the citizen's export and erasure (docs/citizen.md, "Your data").
 * Each module that keeps personal data offers one bean; the citizen module collects them, so no module needs the
 * others' internals and none depends on the citizen module's.
 */
public interface PersonalData {

    /** The key of this module's part in the export, e.g. {@code "billing"}. */
    String section();

    /** Everything the module holds about the citizen, as a JSON-serialisable value (records, maps, lists). */
    Mono<Object> export(UUID citizenId);

    /**
     * Deletes what may be deleted and keeps what the law requires (payments, medical records, audit), which is left
     * pointing at a citizen id that no longer names anyone. Joins the caller's transaction: all modules or none.
     */
    Mono<Void> erase(UUID citizenId);
}
