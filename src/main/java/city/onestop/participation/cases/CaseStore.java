package city.onestop.participation.cases;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code participation_cases} and {@code participation_case_events} tables. Every state change is one conditional
 * UPDATE (the expected states, the caller's scope) so that two handlers racing on one case cannot both win.
 */
@Component
class CaseStore {

    private final DatabaseClient db;

    CaseStore(DatabaseClient db) {
        this.db = db;
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    record Insert(UUID id, UUID citizenId, CaseType type, String category, String title, String body, Double lat, Double lon,
            SubjectKind subjectKind, String subjectId, boolean publicConsent, UUID departmentId, Instant submittedAt, Instant ackDueAt,
            Instant replyDueAt, UUID followUpOf, boolean held) {}

    Mono<Void> insert(Insert c) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("""
                        INSERT INTO participation_cases (id, reference, citizen_id, type, category, title, body, lat, lon, subject_kind,
                            subject_id, public_consent, status, department_id, submitted_at, ack_due_at, reply_due_at, next_due_at,
                            follow_up_of, updated_at, held_for_review)
                        VALUES (:id, 'GZ' || to_char(:submitted AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD')
                                    || lpad(nextval('participation_case_number')::text, 6, '0'),
                            :citizen, :type, :category, :title, :body, :lat, :lon, :subjectKind, :subjectId, :consent, 'SUBMITTED',
                            :department, :submitted, :ackDue, :replyDue, :ackDue, :followUpOf, :submitted, :held)""")
                .bind("id", c.id())
                .bind("citizen", c.citizenId())
                .bind("type", c.type().name())
                .bind("category", c.category())
                .bind("title", c.title())
                .bind("body", c.body())
                .bind("consent", c.publicConsent())
                .bind("held", c.held())
                .bind("department", c.departmentId())
                .bind("submitted", utc(c.submittedAt()))
                .bind("ackDue", utc(c.ackDueAt()))
                .bind("replyDue", utc(c.replyDueAt()));
        spec = c.lat() == null ? spec.bindNull("lat", Double.class).bindNull("lon", Double.class)
                : spec.bind("lat", c.lat()).bind("lon", c.lon());
        spec = c.subjectKind() == null ? spec.bindNull("subjectKind", String.class).bindNull("subjectId", String.class)
                : spec.bind("subjectKind", c.subjectKind().name()).bind("subjectId", c.subjectId());
        spec = c.followUpOf() == null ? spec.bindNull("followUpOf", UUID.class) : spec.bind("followUpOf", c.followUpOf());
        return spec.then();
    }

    /** A timeline entry; emits its id. */
    record Event(UUID caseId, Instant at, UUID actorId, String actorKind, String kind, CaseStatus from, CaseStatus to, UUID departmentId,
            String note) {}

    Mono<Long> appendEvent(Event e) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("""
                        INSERT INTO participation_case_events (case_id, at, actor_id, actor_kind, kind, from_status, to_status, department_id, note)
                        VALUES (:case, :at, :actor, :actorKind, :kind, :from, :to, :department, :note) RETURNING id""")
                .bind("case", e.caseId())
                .bind("at", utc(e.at()))
                .bind("actorKind", e.actorKind())
                .bind("kind", e.kind());
        spec = e.actorId() == null ? spec.bindNull("actor", UUID.class) : spec.bind("actor", e.actorId());
        spec = e.from() == null ? spec.bindNull("from", String.class) : spec.bind("from", e.from().name());
        spec = e.to() == null ? spec.bindNull("to", String.class) : spec.bind("to", e.to().name());
        spec = e.departmentId() == null ? spec.bindNull("department", UUID.class) : spec.bind("department", e.departmentId());
        spec = e.note() == null ? spec.bindNull("note", String.class) : spec.bind("note", e.note());
        return spec.map(row -> row.get("id", Long.class)).one();
    }

    Mono<CaseRow> findCase(UUID id) {
        return db.sql(CaseRow.SELECT + " WHERE c.id = :id").bind("id", id).map(CaseRow::of).one();
    }

    record TimelineRow(long id, Instant at, UUID actorId, String actorKind, String kind, String from, String to, String department,
            String note) {}

    Flux<TimelineRow> timeline(UUID caseId) {
        return db.sql("""
                        SELECT e.*, d.name AS d_name FROM participation_case_events e
                        LEFT JOIN participation_departments d ON d.id = e.department_id
                        WHERE e.case_id = :case ORDER BY e.id""")
                .bind("case", caseId)
                .map(row -> new TimelineRow(row.get("id", Long.class), CaseRow.instant(row, "at"), row.get("actor_id", UUID.class),
                        row.get("actor_kind", String.class), row.get("kind", String.class), row.get("from_status", String.class),
                        row.get("to_status", String.class), row.get("d_name", String.class), row.get("note", String.class)))
                .all();
    }

    /** The citizen's cases, newest first, after the keyset position (exclusive); {@code limit + 1} rows. */
    Flux<CaseRow> listForCitizen(UUID citizenId, Instant beforeAt, UUID beforeId, int limit) {
        String after = beforeAt == null ? "" : " AND (c.submitted_at, c.id) < (:at, :after)";
        DatabaseClient.GenericExecuteSpec spec = db.sql(CaseRow.SELECT + " WHERE c.citizen_id = :citizen" + after
                        + " ORDER BY c.submitted_at DESC, c.id DESC LIMIT :limit")
                .bind("citizen", citizenId)
                .bind("limit", limit + 1);
        if (beforeAt != null) spec = spec.bind("at", utc(beforeAt)).bind("after", beforeId);
        return spec.map(CaseRow::of).all();
    }

    /** The citizen's open cases, next deadline first. */
    Flux<CaseRow> openForCitizen(UUID citizenId, int limit) {
        return db.sql(CaseRow.SELECT + " WHERE c.citizen_id = :citizen AND c.status IN (" + literals(CaseStatus.OPEN) + ")"
                        + " ORDER BY c.next_due_at NULLS LAST, c.id LIMIT :limit")
                .bind("citizen", citizenId)
                .bind("limit", limit)
                .map(CaseRow::of)
                .all();
    }

    /** A staff queue filter; null members do not filter. {@code statuses} empty means the open ones. */
    record QueueFilter(List<UUID> departments, Set<CaseStatus> statuses, CaseType type, String category, Boolean overdue,
            boolean held) {}

    /** Cases of the departments, soonest deadline first (none last), after the keyset position; {@code limit + 1} rows. */
    Flux<CaseRow> queue(QueueFilter f, Instant afterDue, boolean afterNoDue, UUID afterId, int limit) {
        StringBuilder where = new StringBuilder(f.departments() == null ? " WHERE c.status IN (" : " WHERE c.department_id = ANY(:departments) AND c.status IN (")
                .append(literals(f.statuses().isEmpty() ? CaseStatus.OPEN : f.statuses())).append(")");
        where.append(f.held() ? " AND c.held_for_review" : " AND NOT c.held_for_review");
        if (f.type() != null) where.append(" AND c.type = :type");
        if (f.category() != null) where.append(" AND c.category = :category");
        if (f.overdue() != null) where.append(" AND c.overdue = :overdue");
        if (afterId != null) {
            where.append(afterNoDue ? " AND c.next_due_at IS NULL AND c.id > :afterId"
                    : " AND (coalesce(c.next_due_at, 'infinity'::timestamptz) > :afterDue OR (c.next_due_at = :afterDue AND c.id > :afterId))");
        }
        DatabaseClient.GenericExecuteSpec spec = db.sql(CaseRow.SELECT + where
                        + " ORDER BY coalesce(c.next_due_at, 'infinity'::timestamptz), c.id LIMIT :limit")
                .bind("limit", limit + 1);
        if (f.departments() != null) spec = spec.bind("departments", f.departments().toArray(UUID[]::new));
        if (f.type() != null) spec = spec.bind("type", f.type().name());
        if (f.category() != null) spec = spec.bind("category", f.category());
        if (f.overdue() != null) spec = spec.bind("overdue", f.overdue());
        if (afterId != null) {
            spec = spec.bind("afterId", afterId);
            if (!afterNoDue) spec = spec.bind("afterDue", utc(afterDue));
        }
        return spec.map(CaseRow::of).all();
    }

    /** Whose case it may be: its submitter, or the staff of the departments listed. */
    record Scope(UUID citizenId, List<UUID> departments) {

        static Scope citizen(UUID id) {
            return new Scope(id, null);
        }

        static Scope staff(List<UUID> departments) {
            return new Scope(null, departments);
        }
    }

    /**
     * A state change: from one of {@code from} to {@code to}, with extra {@code SET} fragments (bound by name from
     * {@code binds}) and an extra {@code condition} on the row {@code c} (may be null).
     */
    record Change(Set<CaseStatus> from, CaseStatus to, List<String> sets, Map<String, Object> binds, String condition) {

        static Change of(Set<CaseStatus> from, CaseStatus to) {
            return new Change(from, to, List.of(), Map.of(), null);
        }

        Change set(String fragment) {
            List<String> s = new ArrayList<>(sets);
            s.add(fragment);
            return new Change(from, to, s, binds, condition);
        }

        Change bind(String name, Object value) {
            Map<String, Object> b = new LinkedHashMap<>(binds);
            b.put(name, value);
            return new Change(from, to, sets, b, condition);
        }

        Change when(String sql) {
            return new Change(from, to, sets, binds, sql);
        }
    }

    /** What a change returned: the status before, the department after. Empty when no row matched. */
    record Changed(CaseStatus before, UUID departmentId) {}

    Mono<Changed> change(UUID id, Scope scope, Change change, Instant now) {
        StringBuilder sql = new StringBuilder("UPDATE participation_cases c SET status = :to, version = c.version + 1, updated_at = :now");
        for (String s : change.sets()) sql.append(", ").append(s);
        sql.append(" FROM (SELECT id, status AS old_status FROM participation_cases WHERE id = :id FOR UPDATE) o")
                .append(" WHERE c.id = o.id AND c.status IN (").append(literals(change.from())).append(")");
        if (scope.citizenId() != null) sql.append(" AND c.citizen_id = :scopeCitizen");
        // A scope with neither (the 12345 system) may change any case.
        // A held case waits for the city office's review before its department may act on it.
        if (scope.departments() != null) sql.append(" AND c.department_id = ANY(:scopeDepartments) AND NOT c.held_for_review");
        if (change.condition() != null) sql.append(" AND (").append(change.condition()).append(")");
        sql.append(" RETURNING o.old_status, c.department_id");
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql.toString())
                .bind("to", change.to().name())
                .bind("now", utc(now))
                .bind("id", id);
        if (scope.citizenId() != null) spec = spec.bind("scopeCitizen", scope.citizenId());
        if (scope.departments() != null) spec = spec.bind("scopeDepartments", scope.departments().toArray(UUID[]::new));
        for (var b : change.binds().entrySet()) {
            Object v = b.getValue() instanceof Instant t ? utc(t) : b.getValue();
            spec = spec.bind(b.getKey(), v);
        }
        return spec.map(row -> new Changed(CaseStatus.valueOf(row.get("old_status", String.class)), row.get("department_id", UUID.class)))
                .one();
    }

    /** Touches a case the citizen may still add to (its version and time), so additions serialize with state changes. */
    Mono<CaseStatus> touchForCitizen(UUID id, UUID citizenId, Set<CaseStatus> allowed, Instant now) {
        return db.sql("UPDATE participation_cases SET version = version + 1, updated_at = :now WHERE id = :id AND citizen_id = :citizen"
                        + " AND status IN (" + literals(allowed) + ") RETURNING status")
                .bind("now", utc(now))
                .bind("id", id)
                .bind("citizen", citizenId)
                .map(row -> CaseStatus.valueOf(row.get("status", String.class)))
                .one();
    }

    /** Whether the citizen is staff of the department. */
    Mono<Boolean> isStaff(UUID departmentId, UUID citizenId) {
        return db.sql("SELECT EXISTS (SELECT 1 FROM participation_staff WHERE department_id = :d AND citizen_id = :c) AS ok")
                .bind("d", departmentId)
                .bind("c", citizenId)
                .map(row -> Boolean.TRUE.equals(row.get("ok", Boolean.class)))
                .one();
    }

    /** Lets a held case through; false when it was not held. */
    Mono<Boolean> release(UUID id, Instant now) {
        return db.sql("UPDATE participation_cases SET held_for_review = false, updated_at = :now WHERE id = :id AND held_for_review")
                .bind("now", utc(now))
                .bind("id", id)
                .fetch()
                .rowsUpdated()
                .map(n -> n == 1);
    }

    /** Queues the case for filing into 12345 (once: a re-accepted case is not filed twice). */
    Mono<Void> queueForwarding(UUID caseId, Instant now) {
        return db.sql("""
                        INSERT INTO participation_forwarding (case_id, state, next_attempt_at, created_at, updated_at)
                        VALUES (:case, 'PENDING', :now, :now, :now) ON CONFLICT (case_id) DO NOTHING""")
                .bind("case", caseId)
                .bind("now", utc(now))
                .then();
    }

    static String literals(Set<CaseStatus> statuses) {
        // Enum names only (never client text), so inlining them is safe.
        return statuses.stream().map(s -> "'" + s.name() + "'").sorted().collect(Collectors.joining(", "));
    }
}
