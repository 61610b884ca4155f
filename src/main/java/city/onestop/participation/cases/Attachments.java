package city.onestop.participation.cases;

import city.onestop.platform.AuditLog;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Photos on a case: added by its submitter while it is handled (at most {@link #MAX_PER_CASE}), read by the submitter
 * and the department's staff. The type is sniffed from the first bytes (JPEG, PNG, WebP); anything else is refused.
 */
@Service
public class Attachments {

    public static final int MAX_PER_CASE = 5;

    public record Attachment(UUID id, String mediaType, int sizeBytes) {}

    public record Content(String mediaType, byte[] bytes) {}

    private static final Set<CaseStatus> ADDABLE = Set.of(CaseStatus.SUBMITTED, CaseStatus.TRANSFERRED, CaseStatus.ACCEPTED,
            CaseStatus.ASSIGNED);

    private final DatabaseClient db;
    private final CaseStore store;
    private final AuditLog audit;
    private final TransactionalOperator tx;
    private final Clock clock;

    Attachments(DatabaseClient db, CaseStore store, AuditLog audit, TransactionalOperator tx, Clock clock) {
        this.db = db;
        this.store = store;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    /** What the bytes are: image/jpeg, image/png, image/webp, or null. */
    static String sniff(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) return "image/jpeg";
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G' && b[4] == 0x0D && b[5] == 0x0A
                && b[6] == 0x1A && b[7] == 0x0A) return "image/png";
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E' && b[10] == 'B'
                && b[11] == 'P') return "image/webp";
        return null;
    }

    public Mono<Attachment> add(UUID citizenId, UUID caseId, byte[] bytes) {
        Instant now = clock.instant();
        return store.findCase(caseId)
                .filter(c -> c.citizenId().equals(citizenId))
                .switchIfEmpty(Mono.error(() -> ParticipationError.caseNotFound(caseId)))
                .flatMap(c -> {
                    if (bytes.length == 0) {
                        return Mono.error(ParticipationError.invalid("ATTACHMENT_EMPTY", "Send the photo's bytes as the request body"));
                    }
                    String type = sniff(bytes);
                    if (type == null) {
                        return Mono.error(new ParticipationError(ParticipationError.Kind.UNSUPPORTED_MEDIA, "ATTACHMENT_TYPE_NOT_ALLOWED",
                                "Only JPEG, PNG and WebP photos are accepted (judged by the file's content)"));
                    }
                    UUID id = UUID.randomUUID();
                    return store.touchForCitizen(caseId, citizenId, ADDABLE, now)
                            .switchIfEmpty(Mono.error(() -> ParticipationError.stateConflict("given photos", c.status())))
                            .then(db.sql("""
                                            INSERT INTO participation_attachments (id, case_id, media_type, size_bytes, content, created_at)
                                            SELECT :id, :case, :type, :size, :content, :now
                                            WHERE (SELECT count(*) FROM participation_attachments WHERE case_id = :case) < :max""")
                                    .bind("id", id)
                                    .bind("case", caseId)
                                    .bind("type", type)
                                    .bind("size", bytes.length)
                                    .bind("content", ByteBuffer.wrap(bytes))
                                    .bind("now", CaseStore.utc(now))
                                    .bind("max", MAX_PER_CASE)
                                    .fetch()
                                    .rowsUpdated())
                            .flatMap(n -> n == 1 ? Mono.just(n) : Mono.error(new ParticipationError(ParticipationError.Kind.CONFLICT,
                                    "TOO_MANY_ATTACHMENTS", "A case takes at most " + MAX_PER_CASE + " photos")))
                            .then(store.appendEvent(new CaseStore.Event(caseId, now, citizenId, "CITIZEN", "ATTACHMENT_ADDED", null, null, null,
                                    id.toString())))
                            .then(audit.record(new AuditLog.AuditEntry(citizenId, "CITIZEN", "CASE_ATTACHMENT_ADDED",
                                    "case:" + caseId + " attachment:" + id, AuditLog.Outcome.SUCCESS)))
                            .as(tx::transactional)
                            .thenReturn(new Attachment(id, type, bytes.length));
                });
    }

    /** The photo, to the case's submitter or its department's staff; otherwise not found. */
    public Mono<Content> get(Cases.Actor actor, UUID caseId, UUID attachmentId) {
        return store.findCase(caseId)
                .filter(c -> c.citizenId().equals(actor.id()) || actor.departments().contains(c.department().id()))
                .switchIfEmpty(Mono.error(() -> ParticipationError.caseNotFound(caseId)))
                .flatMap(c -> db.sql("SELECT media_type, content FROM participation_attachments WHERE id = :id AND case_id = :case")
                        .bind("id", attachmentId)
                        .bind("case", caseId)
                        .map(row -> {
                            ByteBuffer buffer = row.get("content", ByteBuffer.class);
                            byte[] out = new byte[buffer.remaining()];
                            buffer.get(out);
                            return new Content(row.get("media_type", String.class), out);
                        })
                        .one())
                .switchIfEmpty(Mono.error(() -> new ParticipationError(ParticipationError.Kind.NOT_FOUND, "ATTACHMENT_NOT_FOUND",
                        "attachment " + attachmentId + " is not on this case")));
    }
}
