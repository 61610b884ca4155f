package city.onestop.participation;

import java.time.Instant;
import java.util.UUID;

/**
 * Published after a change to a case committed: every state change, a reply, an escalation. {@code eventId} is
 * unique per change (the timeline entry), so a consumer can deduplicate; {@code kind} names the change
 * (SUBMITTED, ACCEPTED, ASSIGNED, REPLIED, CLOSED, REJECTED, TRANSFERRED, WITHDRAWN, REOPENED, OVERDUE);
 * {@code status} is the case's status after it. {@code note} is the reply, the reason of a rejection or
 * transfer, or null. {@code citizenId} is the submitter, who is told.
 */
public record CaseUpdated(long eventId, UUID caseId, String reference, UUID citizenId, String kind, String status, String title,
        String departmentName, String departmentNameEn, String note, Instant at) {}
