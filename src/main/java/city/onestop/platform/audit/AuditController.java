package city.onestop.platform.audit;

import city.onestop.platform.Cursors;
import city.onestop.platform.Keyset;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.Page;
import city.onestop.platform.ProblemException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Audit", description = "Tamper-evident audit trail of security-relevant actions")
class AuditController {

    private final DatabaseClient db;
    private final AuditVerifier verifier;

    AuditController(DatabaseClient db, AuditVerifier verifier) {
        this.db = db;
        this.verifier = verifier;
    }

    record AuditEvent(long id, OffsetDateTime occurredAt, UUID actorId, String actorRole, String action, String target,
            String outcome, String requestId, String clientIp) {

        static AuditEvent of(AuditRow r) {
            return new AuditEvent(r.id(), r.occurredAt().atOffset(java.time.ZoneOffset.UTC), r.actorId(), r.actorRole(),
                    r.action(), r.target(), r.outcome(), r.requestId(), r.clientIp());
        }
    }

    @GetMapping("/api/v1/admin/audit")
    @Operation(operationId = "listAuditEvents", summary = "Search the audit trail (ADMIN), newest first")
    Mono<Page<AuditEvent>> list(
            @RequestParam(required = false) UUID actor,
            @RequestParam(required = false) String action,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) OffsetDateTime from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) OffsetDateTime to,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        if (from != null && to != null && to.isBefore(from)) {
            throw ProblemException.badRequest("INVALID_RANGE", "to must not be before from");
        }
        return page(actor, action, from, to, limit, cursor);
    }

    @GetMapping("/api/v1/admin/audit/verify")
    @Operation(operationId = "verifyAuditTrail", summary = "Walk every hash chain and report the first broken link (ADMIN)")
    Mono<AuditVerifier.Verification> verify() {
        return verifier.verify();
    }

    @GetMapping("/api/v1/me/activity")
    @Operation(operationId = "listMyActivity", summary = "My own security events (logins, payments, bookings), newest first")
    Mono<Page<AuditEvent>> mine(@RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        return CurrentUser.get().flatMap(me -> page(me.id(), null, null, null, limit, cursor));
    }

    private Mono<Page<AuditEvent>> page(UUID actor, String action, OffsetDateTime from, OffsetDateTime to, Integer limit,
            String cursor) {
        int n = Cursors.limit(limit);
        List<String> where = new ArrayList<>();
        where.add("TRUE");
        if (actor != null) where.add("actor_id = :actor");
        if (action != null) where.add("action = :action");
        if (from != null) where.add("occurred_at >= :from");
        if (to != null) where.add("occurred_at < :to");
        Keyset.Position after = Keyset.decode(cursor);
        Long before = after == null ? null : after.number();
        if (before != null) where.add("id < :before");
        DatabaseClient.GenericExecuteSpec spec =
                db.sql("SELECT * FROM audit_log WHERE " + String.join(" AND ", where) + " ORDER BY id DESC LIMIT :n")
                        .bind("n", n + 1);
        if (actor != null) spec = spec.bind("actor", actor);
        if (action != null) spec = spec.bind("action", action);
        if (from != null) spec = spec.bind("from", from);
        if (to != null) spec = spec.bind("to", to);
        if (before != null) spec = spec.bind("before", before);
        return spec.map(AuditRow::from).all().map(AuditEvent::of).collectList()
                .map(rows -> Page.of(rows, n, e -> Keyset.position(null, e.id())));
    }
}
