package city.onestop.participation.cases;

import city.onestop.participation.CaseUpdated;
import city.onestop.participation.forwarding.HotlineEndpoint;
import city.onestop.platform.AuditLog;
import city.onestop.platform.Outbox;
import city.onestop.platform.Idempotency;
import city.onestop.platform.RateLimiter;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The case use cases. Each change runs in one transaction that makes the conditional update, appends the timeline
 * entry and writes the audit row; the {@link CaseUpdated} event is published once it committed.
 */
@Service
public class Cases {

    private static final Logger log = LoggerFactory.getLogger(Cases.class);

    public record Subject(SubjectKind kind, String id) {}

    public record Location(double lat, double lon) {}

    public record NewCase(CaseType type, String category, String title, String text, Location location, Subject subject,
            boolean publicConsent) {}

    public record TimelineEntry(long id, String kind, String fromStatus, String toStatus, String actor, UUID actorId, String department,
            String note, OffsetDateTime at) {}

    public record DepartmentView(UUID id, String code, String kind, String name, String nameEn) {

        static DepartmentView of(Department d) {
            return new DepartmentView(d.id(), d.code(), d.kind(), d.name(), d.nameEn());
        }
    }

    /** A case as its submitter and handlers see it; {@code timeline} only on the single-case read. */
    public record CaseView(UUID id, String reference, UUID submitterId, CaseType type, String category, String title, String text, Location location,
            Subject subject, boolean publicConsent, CaseStatus status, DepartmentView department, UUID assigneeId, String reply,
            String rejectReason, OffsetDateTime submittedAt, OffsetDateTime acceptedAt, OffsetDateTime repliedAt,
            OffsetDateTime closedAt, OffsetDateTime acknowledgeBy, OffsetDateTime replyBy, OffsetDateTime nextDeadline,
            boolean overdue, boolean reopened, Boolean satisfied, UUID followUpOf, boolean heldForReview, List<TimelineEntry> timeline) {}

    /** Who acts: a citizen on their own case, or department staff. */
    public record Actor(UUID id, List<Departments.Membership> memberships) {

        boolean staff() {
            return !memberships.isEmpty();
        }

        List<UUID> departments() {
            return memberships.stream().map(Departments.Membership::departmentId).toList();
        }

        boolean supervises(UUID department) {
            return memberships.stream().anyMatch(m -> m.departmentId().equals(department) && "SUPERVISOR".equals(m.role()));
        }
    }

    private final CaseStore store;
    private final Departments departments;
    private final Routing routing;
    private final CalendarStore calendars;
    private final Idempotency idempotency;
    private final RateLimiter rateLimiter;
    private final AuditLog audit;
    private final Outbox outbox;
    private final TransactionalOperator tx;
    private final ParticipationProperties properties;
    private final Clock clock;
    private final HotlineEndpoint hotline;

    Cases(HotlineEndpoint hotline, CaseStore store, Departments departments, Routing routing, CalendarStore calendars, Idempotency idempotency,
            RateLimiter rateLimiter, AuditLog audit, Outbox outbox, TransactionalOperator tx,
            ParticipationProperties properties, Clock clock) {
        this.hotline = hotline;
        this.store = store;
        this.departments = departments;
        this.routing = routing;
        this.calendars = calendars;
        this.idempotency = idempotency;
        this.rateLimiter = rateLimiter;
        this.audit = audit;
        this.outbox = outbox;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    /** The actor behind a user id: their department memberships (none for a citizen). */
    public Mono<Actor> actor(UUID userId) {
        return departments.memberships(userId).map(m -> new Actor(userId, m));
    }

    // ------------------------------------------------------------------ submitting

    /** Files a case once per Idempotency-Key: routes it, sets its deadlines, and answers 201 with the case. */
    public Mono<ResponseEntity<Object>> submit(UUID citizenId, String idempotencyKey, NewCase request) {
        return Mono.defer(() -> {
            Idempotency.IdempotentRequest idem = Idempotency.IdempotentRequest.of(citizenId, idempotencyKey, "participation.submit", request);
            return admit(citizenId)
                    .then(departments.findCategory(request.category())
                            .switchIfEmpty(Mono.error(() -> ParticipationError.invalid("UNKNOWN_CATEGORY",
                                    "category " + request.category() + " is not one of GET /api/v1/participation/categories"))))
                    .flatMap(category -> routing.route(citizenId, category, request.subject()))
                    .zipWith(calendars.calendar())
                    .flatMap(routed -> idempotency.execute(idem, 201, fresh -> create(citizenId, request, routed.getT1(), routed.getT2(), null)
                            .flatMap(id -> view(id, true))
                            .flatMap(v -> announce(v, v.timeline().get(0).id(), "SUBMITTED", null).thenReturn(v))));
        });
    }

    /**
     * Writes a follow-up case opened by the system (a low rating) inside the caller's transaction, with its SUBMITTED
     * event in the outbox.
     */
    public Mono<UUID> createFollowUp(UUID citizenId, NewCase request, UUID departmentId, UUID followUpOf) {
        return departments.findDepartment(departmentId)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("no department " + departmentId)))
                .zipWith(calendars.calendar())
                .flatMap(t -> create(citizenId, request, t.getT1(), t.getT2(), followUpOf))
                .flatMap(id -> view(id, false).flatMap(v -> announce(v, v.timeline().get(0).id(), "SUBMITTED", null)).thenReturn(id));
    }

    /**
     * The case written by {@link #createFollowUp}, after its commit. Its SUBMITTED event went into the outbox with it
     * (so nothing is published here any more); kept for the callers that read the case back.
     */
    public Mono<CaseView> announceSubmitted(UUID caseId) {
        return view(caseId, false);
    }

    /** The department of a case (for ratings), with the case's submitter and status. */
    public Mono<CaseFacts> findCaseFacts(UUID caseId) {
        return store.findCase(caseId).map(c -> new CaseFacts(c.id(), c.citizenId(), c.status(), c.department().id(), c.category()));
    }

    public record CaseFacts(UUID id, UUID citizenId, CaseStatus status, UUID departmentId, String category) {}

    private Mono<Void> admit(UUID citizenId) {
        return rateLimiter.tryAcquire("participation:submit:" + citizenId,
                        new RateLimiter.Limit(properties.submissionsPerDay(), properties.submissionWindow()))
                .flatMap(d -> d.allowed() ? Mono.<Void>empty() : Mono.error(new ParticipationError(ParticipationError.Kind.TOO_MANY,
                        "CASE_RATE_LIMITED", "At most " + properties.submissionsPerDay() + " cases a day; try again in "
                        + d.retryAfterSeconds() + " s")));
    }

    /** Writes the case, its first timeline entry and its audit row; must run inside the caller's transaction. */
    private Mono<UUID> create(UUID citizenId, NewCase r, Department department, WorkingCalendar calendar, UUID followUpOf) {
        Instant now = clock.instant();
        Instant ackDue = calendar.dueAt(now, properties.acknowledgeWorkingDays(), properties.zone());
        Instant replyDue = calendar.dueAt(now, properties.replyWorkingDays(r.type()), properties.zone());
        warnIfCalendarUnknown(calendar, now, replyDue);
        UUID id = UUID.randomUUID();
        boolean held = followUpOf == null && properties.needsReview(r.title(), r.text());
        var insert = new CaseStore.Insert(id, citizenId, r.type(), r.category(), r.title(), r.text(),
                r.location() == null ? null : r.location().lat(), r.location() == null ? null : r.location().lon(),
                r.subject() == null ? null : r.subject().kind(), r.subject() == null ? null : r.subject().id(), r.publicConsent(),
                department.id(), now, ackDue, replyDue, followUpOf, held);
        String actorKind = followUpOf == null ? "CITIZEN" : "SYSTEM";
        return store.insert(insert)
                .then(store.appendEvent(new CaseStore.Event(id, now, followUpOf == null ? citizenId : null, actorKind, "SUBMITTED", null,
                        CaseStatus.SUBMITTED, department.id(), followUpOf == null ? null : "follow-up of a low rating")))
                .then(held ? store.appendEvent(new CaseStore.Event(id, now, null, "SYSTEM", "HELD_FOR_REVIEW", null, null, null,
                        "the city office reviews it before the department sees it")).then() : Mono.<Void>empty())
                .then(audit.record(new AuditLog.AuditEntry(followUpOf == null ? citizenId : null, followUpOf == null ? "CITIZEN" : null,
                        "CASE_SUBMITTED", "case:" + id + " department:" + department.code(), AuditLog.Outcome.SUCCESS)))
                .thenReturn(id);
    }

    private void warnIfCalendarUnknown(WorkingCalendar calendar, Instant from, Instant to) {
        LocalDate a = LocalDate.ofInstant(from, properties.zone());
        LocalDate b = LocalDate.ofInstant(to, properties.zone());
        if (!calendar.covers(a, b)) {
            log.warn("No public-holiday data for {}..{}: the deadline counts weekdays only; add the year's calendar", a, b);
        }
    }

    // ------------------------------------------------------------------ reading

    /** The case with its timeline, to its submitter or the staff of its department; otherwise not found. */
    public Mono<CaseView> getCase(Actor actor, UUID id) {
        return store.findCase(id)
                .filter(c -> c.citizenId().equals(actor.id()) || actor.departments().contains(c.department().id()))
                .switchIfEmpty(Mono.error(() -> ParticipationError.caseNotFound(id)))
                .flatMap(c -> withTimeline(c, actor.departments().contains(c.department().id())));
    }

    /** A case as the forwarder sends it (no access check: the forwarder is the system). */
    public Mono<CaseView> findForForwarding(UUID id) {
        return store.findCase(id).map(c -> view(c, null));
    }

    public Mono<List<CaseView>> listMine(UUID citizenId, Instant beforeAt, UUID beforeId, int limit) {
        return store.listForCitizen(citizenId, beforeAt, beforeId, limit).map(c -> view(c, null)).collectList();
    }

    public Mono<List<CaseView>> openCases(UUID citizenId, int limit) {
        return store.openForCitizen(citizenId, limit).map(c -> view(c, null)).collectList();
    }

    /** A staff member's queue over every department they work for. */
    public Mono<List<CaseView>> queue(Actor actor, Set<CaseStatus> statuses, CaseType type, String category, Boolean overdue,
            boolean held, Instant afterDue, boolean afterNoDue, UUID afterId, int limit) {
        Mono<List<UUID>> scope = held ? requireReviewer(actor).thenReturn(List.<UUID>of()) : requireStaff(actor).thenReturn(actor.departments());
        return scope
                .flatMapMany(departmentIds -> store.queue(new CaseStore.QueueFilter(held ? null : departmentIds, statuses, type, category,
                        overdue, held), afterDue, afterNoDue, afterId, limit))
                .map(c -> view(c, null))
                .collectList();
    }

    private Mono<CaseView> view(UUID id, boolean staffView) {
        return store.findCase(id).flatMap(c -> withTimeline(c, staffView));
    }

    private Mono<CaseView> withTimeline(CaseRow c, boolean staffView) {
        return store.timeline(c.id())
                .map(t -> new TimelineEntry(t.id(), t.kind(), t.from(), t.to(), t.actorKind(), staffView ? t.actorId() : null,
                        t.department(), t.note(), at(t.at())))
                .collectList()
                .map(timeline -> view(c, timeline));
    }

    private CaseView view(CaseRow c, List<TimelineEntry> timeline) {
        return new CaseView(c.id(), c.reference(), c.citizenId(), c.type(), c.category(), c.title(), c.body(),
                c.lat() == null ? null : new Location(c.lat(), c.lon()),
                c.subjectKind() == null ? null : new Subject(c.subjectKind(), c.subjectId()), c.publicConsent(), c.status(),
                DepartmentView.of(c.department()), c.assigneeId(), c.reply(), c.rejectReason(), at(c.submittedAt()), at(c.acceptedAt()),
                at(c.repliedAt()), at(c.closedAt()), at(c.ackDueAt()), at(c.replyDueAt()), at(c.nextDueAt()), c.overdue(), c.reopened(),
                c.satisfied(), c.followUpOf(), c.held(), timeline);
    }

    private OffsetDateTime at(Instant t) {
        return t == null ? null : t.atZone(properties.zone()).toOffsetDateTime();
    }

    // ------------------------------------------------------------------ the submitter's actions

    private static final Set<CaseStatus> ADDABLE = Set.of(CaseStatus.SUBMITTED, CaseStatus.TRANSFERRED, CaseStatus.ACCEPTED,
            CaseStatus.ASSIGNED, CaseStatus.REPLIED);

    /** Adds information to the citizen's own case while it is being handled or just replied. */
    public Mono<CaseView> addInformation(UUID citizenId, UUID id, String text) {
        Instant now = clock.instant();
        return store.touchForCitizen(id, citizenId, ADDABLE, now)
                .switchIfEmpty(Mono.defer(() -> explain(id, CaseStore.Scope.citizen(citizenId), "added to")))
                .flatMap(status -> store.appendEvent(new CaseStore.Event(id, now, citizenId, "CITIZEN", "INFORMATION_ADDED", null, null, null,
                                text))
                        .flatMap(e -> audit.record(entry(citizenId, "CITIZEN", "CASE_INFORMATION_ADDED", id))))
                .as(tx::transactional)
                .then(view(id, false));
    }

    public Mono<CaseView> withdraw(UUID citizenId, UUID id, String reason) {
        return change(citizenId, "CITIZEN", id, CaseStore.Scope.citizen(citizenId), "withdrawn",
                CaseStore.Change.of(CaseStatus.OPEN, CaseStatus.WITHDRAWN).set("closed_at = :now").set("next_due_at = NULL"),
                "WITHDRAWN", reason, "CASE_WITHDRAWN", null);
    }

    /** The submitter confirms the reply resolved it: REPLIED → CLOSED, satisfied. */
    public Mono<CaseView> confirmResolved(UUID citizenId, UUID id) {
        return change(citizenId, "CITIZEN", id, CaseStore.Scope.citizen(citizenId), "confirmed",
                CaseStore.Change.of(Set.of(CaseStatus.REPLIED), CaseStatus.CLOSED).set("closed_at = :now").set("satisfied = true"),
                "CONFIRMED", null, "CASE_CONFIRMED", null);
    }

    /** The submitter is not satisfied: REPLIED or CLOSED → ACCEPTED by the same department, once per case. */
    public Mono<CaseView> reopen(UUID citizenId, UUID id, String text) {
        Instant now = clock.instant();
        return calendars.calendar().flatMap(calendar -> store.findCase(id)
                .filter(c -> c.citizenId().equals(citizenId))
                .switchIfEmpty(Mono.error(() -> ParticipationError.caseNotFound(id)))
                .flatMap(c -> {
                    if (c.reopened()) {
                        return Mono.error(new ParticipationError(ParticipationError.Kind.CONFLICT, "CASE_ALREADY_REOPENED",
                                "A case can be reopened once; file a new case"));
                    }
                    Instant replyDue = calendar.dueAt(now, properties.replyWorkingDays(c.type()), properties.zone());
                    return change(citizenId, "CITIZEN", id, CaseStore.Scope.citizen(citizenId), "reopened",
                            CaseStore.Change.of(Set.of(CaseStatus.REPLIED, CaseStatus.CLOSED), CaseStatus.ACCEPTED)
                                    .set("reopened = true").set("closed_at = NULL").set("satisfied = false").set("overdue = false")
                                    // reply_due_at keeps the first deadline, which the published figures judge "on time" by;
                                    // the new reply deadline is next_due_at, which the escalation job watches.
                                    .set("next_due_at = :replyDue").bind("replyDue", replyDue)
                                    .when("NOT c.reopened"),
                            "REOPENED", text, "CASE_REOPENED", null);
                }));
    }

    // ------------------------------------------------------------------ the department's actions

    /** Accepts the case; when forwarding to 12345 is on, queues it for filing in the same transaction. */
    public Mono<CaseView> accept(Actor actor, UUID id) {
        return requireStaff(actor).then(change(actor.id(), "STAFF", id, CaseStore.Scope.staff(actor.departments()), "accepted",
                CaseStore.Change.of(Set.of(CaseStatus.SUBMITTED, CaseStatus.TRANSFERRED), CaseStatus.ACCEPTED)
                        .set("accepted_at = coalesce(c.accepted_at, :now)").set("next_due_at = c.reply_due_at").set("overdue = false"),
                "ACCEPTED", null, "CASE_ACCEPTED", null, hotline.enabled() ? store.queueForwarding(id, clock.instant()) : Mono.empty()));
    }

    /** The 12345 system replied to a forwarded case: REPLIED with its text, by the system, unless handled here already. */
    public Mono<Boolean> replyFromHotline(UUID id, String text) {
        return change(null, "SYSTEM", id, new CaseStore.Scope(null, null), "replied",
                CaseStore.Change.of(Set.of(CaseStatus.ACCEPTED, CaseStatus.ASSIGNED), CaseStatus.REPLIED)
                        .set("reply = :reply").bind("reply", text).set("replied_at = :now").set("next_due_at = NULL"),
                "REPLIED", text, "CASE_REPLIED", null, Mono.empty())
                .thenReturn(true)
                .onErrorResume(ParticipationError.class, e -> Mono.just(false));
    }

    /** Gives the case to a handler of its department; a handler may take it, a supervisor may give it to anyone there. */
    public Mono<CaseView> assign(Actor actor, UUID id, UUID assignee) {
        return requireStaff(actor).then(store.findCase(id))
                .filter(c -> actor.departments().contains(c.department().id()))
                .switchIfEmpty(Mono.error(() -> ParticipationError.caseNotFound(id)))
                .flatMap(c -> {
                    if (!assignee.equals(actor.id()) && !actor.supervises(c.department().id())) {
                        return Mono.error(ParticipationError.forbidden("SUPERVISOR_ONLY",
                                "Only a supervisor of the department assigns a case to someone else"));
                    }
                    return store.isStaff(c.department().id(), assignee).flatMap(ok -> ok ? Mono.just(c)
                            : Mono.error(ParticipationError.unprocessable("ASSIGNEE_NOT_STAFF",
                                    "The assignee is not staff of the case's department")));
                })
                .flatMap(c -> staffChange(actor, id, "assigned",
                        CaseStore.Change.of(Set.of(CaseStatus.ACCEPTED, CaseStatus.ASSIGNED), CaseStatus.ASSIGNED)
                                .set("assignee_id = :assignee").bind("assignee", assignee)
                                .when("EXISTS (SELECT 1 FROM participation_staff s WHERE s.department_id = c.department_id"
                                        + " AND s.citizen_id = :assignee)"),
                        "ASSIGNED", null, "CASE_ASSIGNED"));
    }

    public Mono<CaseView> reply(Actor actor, UUID id, String text) {
        return staffChange(actor, id, "replied",
                CaseStore.Change.of(Set.of(CaseStatus.ACCEPTED, CaseStatus.ASSIGNED), CaseStatus.REPLIED)
                        .set("reply = :reply").bind("reply", text).set("replied_at = :now").set("next_due_at = NULL"),
                "REPLIED", text, "CASE_REPLIED");
    }

    /** Hands the case to another department, which has a fresh acknowledgement deadline to accept it. */
    public Mono<CaseView> transfer(Actor actor, UUID id, UUID departmentId, String reason) {
        Instant now = clock.instant();
        return requireStaff(actor)
                .then(departments.findDepartment(departmentId))
                .switchIfEmpty(Mono.error(() -> ParticipationError.unprocessable("UNKNOWN_DEPARTMENT",
                        "department " + departmentId + " does not exist")))
                .zipWith(calendars.calendar())
                .flatMap(t -> {
                    Instant ackDue = t.getT2().dueAt(now, properties.acknowledgeWorkingDays(), properties.zone());
                    return staffChange(actor, id, "transferred",
                            CaseStore.Change.of(Set.of(CaseStatus.SUBMITTED, CaseStatus.TRANSFERRED, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED),
                                            CaseStatus.TRANSFERRED)
                                    .set("department_id = :target").bind("target", departmentId).set("assignee_id = NULL")
                                    .set("ack_due_at = :ackDue").set("next_due_at = :ackDue").bind("ackDue", ackDue).set("overdue = false")
                                    .when("c.department_id <> :target"),
                            "TRANSFERRED", reason, "CASE_TRANSFERRED", departmentId);
                });
    }

    public Mono<CaseView> reject(Actor actor, UUID id, String reason) {
        return staffChange(actor, id, "rejected",
                CaseStore.Change.of(Set.of(CaseStatus.SUBMITTED, CaseStatus.TRANSFERRED, CaseStatus.ACCEPTED), CaseStatus.REJECTED)
                        .set("reject_reason = :reason").bind("reason", reason).set("closed_at = :now").set("next_due_at = NULL"),
                "REJECTED", reason, "CASE_REJECTED");
    }

    public Mono<CaseView> close(Actor actor, UUID id) {
        return staffChange(actor, id, "closed",
                CaseStore.Change.of(Set.of(CaseStatus.REPLIED), CaseStatus.CLOSED).set("closed_at = :now"),
                "CLOSED", null, "CASE_CLOSED");
    }

    /** Held cases are reviewed by the city office's staff. */
    private Mono<Void> requireReviewer(Actor actor) {
        return departments.findByCode(Departments.CITY_OFFICE)
                .flatMap(office -> actor.departments().contains(office.id()) ? Mono.<Void>empty()
                        : Mono.error(ParticipationError.forbidden("REVIEWER_ONLY", "Only the city office's staff review held cases")));
    }

    /** The city office lets a held case through to its department. */
    public Mono<CaseView> release(Actor actor, UUID id) {
        Instant now = clock.instant();
        return requireReviewer(actor)
                .then(store.release(id, now))
                .flatMap(released -> released ? Mono.just(true) : store.findCase(id).switchIfEmpty(Mono.error(() -> ParticipationError.caseNotFound(id)))
                        .flatMap(c -> Mono.error(new ParticipationError(ParticipationError.Kind.CONFLICT, "CASE_NOT_HELD", "The case is not held"))))
                .then(store.appendEvent(new CaseStore.Event(id, now, actor.id(), "STAFF", "RELEASED", null, null, null, null)))
                .flatMap(e -> audit.record(entry(actor.id(), "STAFF", "CASE_RELEASED", id)))
                .as(tx::transactional)
                .then(view(id, true));
    }

    private Mono<Void> requireStaff(Actor actor) {
        return actor.staff() ? Mono.empty() : Mono.error(ParticipationError.forbidden("NOT_CASE_STAFF",
                "This account is not staff of any department"));
    }

    private Mono<CaseView> staffChange(Actor actor, UUID id, String verb, CaseStore.Change change, String kind, String note,
            String action) {
        return requireStaff(actor).then(change(actor.id(), "STAFF", id, CaseStore.Scope.staff(actor.departments()), verb, change, kind,
                note, action, null));
    }

    private Mono<CaseView> staffChange(Actor actor, UUID id, String verb, CaseStore.Change change, String kind, String note,
            String action, UUID eventDepartment) {
        return requireStaff(actor).then(change(actor.id(), "STAFF", id, CaseStore.Scope.staff(actor.departments()), verb, change, kind,
                note, action, eventDepartment));
    }

    private Mono<CaseView> change(UUID actorId, String actorKind, UUID id, CaseStore.Scope scope, String verb, CaseStore.Change change,
            String kind, String note, String action, UUID eventDepartment) {
        return change(actorId, actorKind, id, scope, verb, change, kind, note, action, eventDepartment, Mono.empty());
    }

    /**
     * One transition: the conditional update, the timeline entry, the audit row and {@code alsoInTransaction}; then
     * the event, after commit.
     */
    private Mono<CaseView> change(UUID actorId, String actorKind, UUID id, CaseStore.Scope scope, String verb, CaseStore.Change change,
            String kind, String note, String action, UUID eventDepartment, Mono<Void> alsoInTransaction) {
        Instant now = clock.instant();
        return store.change(id, scope, change, now)
                .switchIfEmpty(Mono.defer(() -> explain(id, scope, verb).then(Mono.empty())))
                .flatMap(changed -> store.appendEvent(new CaseStore.Event(id, now, actorId, actorKind, kind, changed.before(), change.to(),
                                eventDepartment == null ? changed.departmentId() : eventDepartment, note))
                        .flatMap(eventId -> audit.record(entry(actorId, actorKind, action, id)).then(alsoInTransaction)
                                .then(view(id, "STAFF".equals(actorKind)))
                                .flatMap(v -> announce(v, eventId, kind, note).thenReturn(v))))
                .as(tx::transactional);
    }

    /** Why a conditional update matched nothing: not the caller's case (404), or not in a state for it (409). */
    private <T> Mono<T> explain(UUID id, CaseStore.Scope scope, String verb) {
        return store.findCase(id)
                .filter(c -> scope.citizenId() != null ? c.citizenId().equals(scope.citizenId())
                        : scope.departments() == null || scope.departments().contains(c.department().id()))
                .switchIfEmpty(Mono.error(() -> ParticipationError.caseNotFound(id)))
                .flatMap(c -> Mono.error(ParticipationError.stateConflict(verb, c.status())));
    }

    private static AuditLog.AuditEntry entry(UUID actor, String actorKind, String action, UUID caseId) {
        String role = switch (actorKind) {
            case "STAFF" -> "CASE_STAFF";
            case "SYSTEM" -> "HOTLINE_12345";
            default -> actorKind;
        };
        return new AuditLog.AuditEntry(actor, role, action, "case:" + caseId,
                AuditLog.Outcome.SUCCESS);
    }

    /** The change's event, in the outbox within the change's transaction (the submitter is told even after a crash). */
    private Mono<Void> announce(CaseView v, long eventId, String kind, String note) {
        return outbox.append(new CaseUpdated(eventId, v.id(), v.reference(), v.submitterId(), kind, v.status().name(), v.title(),
                v.department().name(), v.department().nameEn(), note, clock.instant()));
    }

}
