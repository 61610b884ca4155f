package city.onestop.participation.ratings;

import city.onestop.billing.BillingFacts;
import city.onestop.billing.Utility;
import city.onestop.booking.BookingFacts;
import city.onestop.participation.cases.CaseStatus;
import city.onestop.participation.cases.CaseType;
import city.onestop.participation.cases.Cases;
import city.onestop.participation.cases.Department;
import city.onestop.participation.cases.Departments;
import city.onestop.participation.cases.ParticipationError;
import city.onestop.platform.AuditLog;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Ratings (好差评): a citizen rates, once, a payment that succeeded, an appointment that was fulfilled or a case that
 * was closed, checked through billing's and booking's public faces. A score of 1 or 2 opens a follow-up case for the
 * department in the same transaction.
 */
@Service
public class Ratings {

    public enum SubjectKind {
        PAYMENT,
        APPOINTMENT,
        CASE
    }

    public record Rating(UUID id, SubjectKind subjectKind, UUID subjectId, int score, String text, String department, String departmentEn,
            UUID followUpCaseId, OffsetDateTime createdAt) {}

    /** A service's public figures: {@code counts[i]} ratings of score i+1. */
    public record ServiceAggregate(UUID departmentId, String department, String departmentEn, SubjectKind service, long ratings,
            double averageScore, List<Long> counts) {}

    private record Rated(Department department, String category) {}

    private final DatabaseClient db;
    private final Cases cases;
    private final Departments departments;
    private final BillingFacts billing;
    private final BookingFacts booking;
    private final AuditLog audit;
    private final TransactionalOperator tx;
    private final Clock clock;

    Ratings(DatabaseClient db, Cases cases, Departments departments, BillingFacts billing, BookingFacts booking, AuditLog audit,
            TransactionalOperator tx, Clock clock) {
        this.db = db;
        this.cases = cases;
        this.departments = departments;
        this.billing = billing;
        this.booking = booking;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    public Mono<Rating> rate(UUID citizenId, SubjectKind kind, UUID subjectId, int score, String text) {
        if (score < 1 || score > 5) {
            return Mono.error(ParticipationError.invalid("INVALID_SCORE", "score must be 1 to 5"));
        }
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        return rated(citizenId, kind, subjectId).flatMap(rated -> {
            Mono<UUID> followUp = score <= 2
                    ? cases.createFollowUp(citizenId, new Cases.NewCase(CaseType.COMPLAINT, rated.category(), "差评回访 Follow-up of a poor rating",
                            text == null || text.isBlank() ? "评分 " + score + "/5，未留言。Rated " + score + "/5 without comment." : text,
                            null, null, false), rated.department().id(), id).map(java.util.Optional::of).map(o -> o.get())
                    : Mono.empty();
            return followUp.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                    .flatMap(caseId -> insert(id, citizenId, kind, subjectId, rated.department().id(), score, text, caseId.orElse(null), now)
                            .then(audit.record(new AuditLog.AuditEntry(citizenId, "CITIZEN", "RATING_GIVEN",
                                    "rating:" + id + " " + kind.name().toLowerCase() + ":" + subjectId + " score:" + score, AuditLog.Outcome.SUCCESS)))
                            .thenReturn(caseId))
                    .as(tx::transactional)
                    .onErrorMap(DataIntegrityViolationException.class, e -> new ParticipationError(ParticipationError.Kind.CONFLICT,
                            "ALREADY_RATED", "This " + kind.name().toLowerCase() + " was rated already; a rating is given once"))
                    .flatMap(caseId -> caseId.map(c -> cases.announceSubmitted(c).then()).orElse(Mono.empty())
                            .then(Mono.just(new Rating(id, kind, subjectId, score, text, rated.department().name(), rated.department().nameEn(),
                                    caseId.orElse(null), now.atOffset(ZoneOffset.ofHours(8))))));
        });
    }

    /** What was rated and who answers for it; refused unless it is the citizen's and finished. */
    private Mono<Rated> rated(UUID citizenId, SubjectKind kind, UUID subjectId) {
        ParticipationError unknown = ParticipationError.unprocessable("SUBJECT_NOT_FOUND",
                kind + " " + subjectId + " does not exist or is not yours");
        ParticipationError notYet = ParticipationError.unprocessable("NOT_RATEABLE_YET",
                "Only a completed payment, a fulfilled appointment or a closed case can be rated");
        return switch (kind) {
            case PAYMENT -> billing.findPayment(subjectId).filter(p -> p.citizenId().equals(citizenId))
                    .switchIfEmpty(Mono.error(unknown))
                    .flatMap(p -> !p.completed() ? Mono.error(notYet)
                            : departments.findByCode(p.utility() == Utility.WATER ? Departments.WATER : Departments.POWER)
                                    .map(d -> new Rated(d, p.utility() == Utility.WATER ? "WATER" : "ELECTRICITY")));
            case APPOINTMENT -> booking.findAppointment(subjectId).filter(a -> a.citizenId().equals(citizenId))
                    .switchIfEmpty(Mono.error(unknown))
                    .flatMap(a -> !a.fulfilled() ? Mono.error(notYet)
                            : departments.ensureHospital(a.hospitalId(), a.hospitalName()).map(d -> new Rated(d, "HEALTHCARE")));
            case CASE -> cases.findCaseFacts(subjectId).filter(c -> c.citizenId().equals(citizenId))
                    .switchIfEmpty(Mono.error(unknown))
                    .flatMap(c -> c.status() != CaseStatus.CLOSED ? Mono.error(notYet)
                            : departments.findDepartment(c.departmentId()).map(d -> new Rated(d, c.category())));
        };
    }

    private Mono<Void> insert(UUID id, UUID citizenId, SubjectKind kind, UUID subjectId, UUID departmentId, int score, String text,
            UUID followUp, Instant now) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("""
                        INSERT INTO participation_ratings (id, citizen_id, subject_kind, subject_id, department_id, score, body,
                                                           follow_up_case_id, created_at)
                        VALUES (:id, :citizen, :kind, :subject, :department, :score, :body, :followUp, :now)""")
                .bind("id", id)
                .bind("citizen", citizenId)
                .bind("kind", kind.name())
                .bind("subject", subjectId)
                .bind("department", departmentId)
                .bind("score", score)
                .bind("now", now.atOffset(ZoneOffset.UTC));
        spec = text == null ? spec.bindNull("body", String.class) : spec.bind("body", text);
        spec = followUp == null ? spec.bindNull("followUp", UUID.class) : spec.bind("followUp", followUp);
        return spec.then();
    }

    /** Public figures per department and kind of service. */
    public Mono<List<ServiceAggregate>> aggregates(UUID departmentId) {
        String where = departmentId == null ? "" : " WHERE r.department_id = :department";
        DatabaseClient.GenericExecuteSpec spec = db.sql("""
                        SELECT r.department_id, d.name, d.name_en, r.subject_kind, count(*) AS n, avg(r.score)::float8 AS average,
                               count(*) FILTER (WHERE r.score = 1) AS s1, count(*) FILTER (WHERE r.score = 2) AS s2,
                               count(*) FILTER (WHERE r.score = 3) AS s3, count(*) FILTER (WHERE r.score = 4) AS s4,
                               count(*) FILTER (WHERE r.score = 5) AS s5
                        FROM participation_ratings r JOIN participation_departments d ON d.id = r.department_id"""
                        + where + " GROUP BY r.department_id, d.name, d.name_en, r.subject_kind ORDER BY d.name, r.subject_kind LIMIT 1000");
        if (departmentId != null) spec = spec.bind("department", departmentId);
        return spec.map(row -> new ServiceAggregate(row.get("department_id", UUID.class), row.get("name", String.class),
                        row.get("name_en", String.class), SubjectKind.valueOf(row.get("subject_kind", String.class)), row.get("n", Long.class),
                        Math.round(row.get("average", Double.class) * 100) / 100.0,
                        List.of(row.get("s1", Long.class), row.get("s2", Long.class), row.get("s3", Long.class), row.get("s4", Long.class),
                                row.get("s5", Long.class))))
                .all()
                .collectList();
    }
}
