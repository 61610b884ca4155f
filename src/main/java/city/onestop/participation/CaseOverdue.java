package city.onestop.participation;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Published after the escalation job flagged a case whose deadline passed: its department's staff are told
 * ({@code staffIds}); the submitter hears of it through a {@link CaseUpdated} of kind OVERDUE. {@code eventId} is
 * the timeline entry.
 */
public record CaseOverdue(long eventId, UUID caseId, String reference, String title, String departmentName, Instant dueAt,
        List<UUID> staffIds) {}
