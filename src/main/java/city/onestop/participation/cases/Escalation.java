package city.onestop.participation.cases;

import city.onestop.participation.CaseOverdue;
import city.onestop.participation.CaseUpdated;
import city.onestop.platform.AuditLog;
import city.onestop.platform.Outbox;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Flags cases whose current deadline (acknowledge or reply) has passed, once per deadline: a timeline entry, the
 * {@code overdue} flag, and notices to the submitter and the department's staff. One instance runs it at a time: the
 * run is one transaction that first takes {@code pg_try_advisory_xact_lock} and does nothing when another holds it.
 */
@Component
class Escalation {

    private static final Logger log = LoggerFactory.getLogger(Escalation.class);
    /** "casesesc" in ASCII. */
    static final long LOCK = 0x6361736573657363L;
    static final int BATCH = 500;

    /** What one run did: {@code ran} false when another instance held the lock. */
    record Run(boolean ran, List<UUID> flagged) {}

    private record Flagged(UUID caseId, long eventId, Instant dueAt, String status) {}

    private final DatabaseClient db;
    private final CaseStore store;
    private final Departments departments;
    private final AuditLog audit;
    private final Outbox outbox;
    private final TransactionalOperator tx;
    private final Clock clock;

    Escalation(DatabaseClient db, CaseStore store, Departments departments, AuditLog audit, Outbox outbox,
            TransactionalOperator tx, Clock clock) {
        this.db = db;
        this.store = store;
        this.departments = departments;
        this.audit = audit;
        this.outbox = outbox;
        this.tx = tx;
        this.clock = clock;
    }

    /** One run at the time of {@code clock} (the service clock when scheduled; a fixed one in tests). */
    Mono<Run> run(Clock clock) {
        Instant now = clock.instant();
        Mono<List<Flagged>> work = db.sql("""
                        UPDATE participation_cases c SET overdue = true, escalated_due_at = c.next_due_at, updated_at = :now
                        WHERE c.id IN (SELECT id FROM participation_cases
                                       WHERE next_due_at IS NOT NULL AND next_due_at <= :now
                                         AND escalated_due_at IS DISTINCT FROM next_due_at
                                       ORDER BY next_due_at LIMIT :batch FOR UPDATE SKIP LOCKED)
                        RETURNING c.id, c.department_id, c.status, c.next_due_at""")
                .bind("now", CaseStore.utc(now))
                .bind("batch", BATCH)
                .map(row -> new Object[] {row.get("id", UUID.class), row.get("department_id", UUID.class), row.get("status", String.class),
                        CaseRow.instant(row, "next_due_at")})
                .all()
                .collectList()
                .flatMapMany(Flux::fromIterable)
                .concatMap(r -> {
                    UUID caseId = (UUID) r[0];
                    Instant due = (Instant) r[3];
                    CaseStatus status = CaseStatus.valueOf((String) r[2]);
                    String what = status == CaseStatus.SUBMITTED || status == CaseStatus.TRANSFERRED ? "acknowledgement" : "reply";
                    return store.appendEvent(new CaseStore.Event(caseId, now, null, "SYSTEM", "OVERDUE", null, null, (UUID) r[1],
                                    what + " was due " + due))
                            .flatMap(eventId -> audit.record(new AuditLog.AuditEntry(null, null, "CASE_ESCALATED", "case:" + caseId,
                                            AuditLog.Outcome.SUCCESS))
                                    .thenReturn(new Flagged(caseId, eventId, due, status.name())))
                            .flatMap(f -> announce(f).thenReturn(f));
                })
                .collectList();
        return db.sql("SELECT pg_try_advisory_xact_lock(:key) AS locked")
                .bind("key", LOCK)
                .map(row -> Boolean.TRUE.equals(row.get("locked", Boolean.class)))
                .one()
                .flatMap(locked -> locked ? work.map(f -> new Object[] {true, f}) : Mono.just(new Object[] {false, List.<Flagged>of()}))
                .as(tx::transactional)
                .flatMap(result -> {
                    @SuppressWarnings("unchecked")
                    List<Flagged> flagged = (List<Flagged>) result[1];
                    return Mono.just(new Run((Boolean) result[0], flagged.stream().map(Flagged::caseId).toList()));
                });
    }

    /** In the escalation's transaction: the submitter's notice and the staff's, through the outbox. */
    private Mono<Void> announce(Flagged f) {
        return store.findCase(f.caseId()).zipWhen(c -> departments.staffOf(c.department().id())).flatMap(t -> {
            CaseRow c = t.getT1();
            return outbox.append(new CaseUpdated(f.eventId(), c.id(), c.reference(), c.citizenId(), "OVERDUE", c.status().name(),
                            c.title(), c.department().name(), c.department().nameEn(), null, clock.instant()))
                    .then(outbox.append(new CaseOverdue(f.eventId(), c.id(), c.reference(), c.title(), c.department().name(), f.dueAt(),
                            t.getT2())));
        });
    }

    @Scheduled(fixedDelayString = "${onestop.participation.escalation-interval:5m}",
            initialDelayString = "${onestop.participation.escalation-initial-delay:1m}")
    void scheduled() {
        run(clock).subscribe(run -> {
            if (!run.flagged().isEmpty()) log.info("Case escalation: {} cases flagged overdue", run.flagged().size());
        }, e -> log.error("Case escalation job failed", e));
    }
}
