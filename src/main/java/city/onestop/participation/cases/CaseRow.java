package city.onestop.participation.cases;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One row of {@code participation_cases} with its department. */
record CaseRow(UUID id, String reference, UUID citizenId, CaseType type, String category, String title, String body, Double lat,
        Double lon, SubjectKind subjectKind, String subjectId, boolean publicConsent, CaseStatus status, Department department,
        UUID assigneeId, String reply, String rejectReason, Instant submittedAt, Instant acceptedAt, Instant repliedAt,
        Instant closedAt, Instant ackDueAt, Instant replyDueAt, Instant nextDueAt, boolean overdue, boolean reopened,
        Boolean satisfied, UUID followUpOf, boolean held) {

    static final String SELECT = """
            SELECT c.*, d.code AS d_code, d.kind AS d_kind, d.name AS d_name, d.name_en AS d_name_en
            FROM participation_cases c JOIN participation_departments d ON d.id = c.department_id""";

    static CaseRow of(io.r2dbc.spi.Readable row) {
        String subject = row.get("subject_kind", String.class);
        return new CaseRow(row.get("id", UUID.class), row.get("reference", String.class), row.get("citizen_id", UUID.class),
                CaseType.valueOf(row.get("type", String.class)), row.get("category", String.class), row.get("title", String.class),
                row.get("body", String.class), row.get("lat", Double.class), row.get("lon", Double.class),
                subject == null ? null : SubjectKind.valueOf(subject), row.get("subject_id", String.class),
                Boolean.TRUE.equals(row.get("public_consent", Boolean.class)), CaseStatus.valueOf(row.get("status", String.class)),
                new Department(row.get("department_id", UUID.class), row.get("d_code", String.class), row.get("d_kind", String.class),
                        row.get("d_name", String.class), row.get("d_name_en", String.class)),
                row.get("assignee_id", UUID.class), row.get("reply", String.class), row.get("reject_reason", String.class),
                instant(row, "submitted_at"), instant(row, "accepted_at"), instant(row, "replied_at"), instant(row, "closed_at"),
                instant(row, "ack_due_at"), instant(row, "reply_due_at"), instant(row, "next_due_at"),
                Boolean.TRUE.equals(row.get("overdue", Boolean.class)), Boolean.TRUE.equals(row.get("reopened", Boolean.class)),
                row.get("satisfied", Boolean.class), row.get("follow_up_of", UUID.class),
                Boolean.TRUE.equals(row.get("held_for_review", Boolean.class)));
    }

    static Instant instant(io.r2dbc.spi.Readable row, String column) {
        OffsetDateTime t = row.get(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
