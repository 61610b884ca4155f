package city.onestop.participation;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import reactor.core.publisher.Mono;

/** What other modules (the dashboard) may ask participation about a citizen's cases. */
public interface OpenCases {

    /** The citizen's cases still being handled (not replied, closed, rejected or withdrawn), next deadline first. */
    Mono<List<OpenCase>> openCases(UUID citizenId, int limit);

    /** {@code nextDeadline} is when the department owes the next step (acknowledge or reply), in China Standard Time. */
    record OpenCase(UUID id, String reference, String title, String status, String department, OffsetDateTime nextDeadline,
            boolean overdue) {}
}
