package city.onestop.participation.forwarding;

import city.onestop.participation.cases.Cases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Files accepted cases into 12345 and reads back their status and reply, from {@code participation_forwarding}. Any
 * number of instances may run it: each claims due rows with {@code FOR UPDATE SKIP LOCKED}, leasing them by pushing
 * {@code next_attempt_at} forward, and calls the hotline outside any transaction. A failure is retried with backoff
 * (10 s, 20 s, 40 s ... up to {@code max-backoff}); a refusal (4xx) parks the row, logged.
 */
@Component
public class Forwarder {

    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final Set<String> ANSWERED = Set.of("REPLIED", "CLOSED");

    /** What one run did, for tests and logs. */
    public record Run(int filed, int failed, int parked, int replied) {}

    private record Claimed(UUID caseId, String state, String externalId, int attempts) {}

    private final DatabaseClient db;
    private final HotlineClient client;
    private final HotlineEndpoint endpoint;
    private final HotlineSettings settings;
    private final Cases cases;
    private final Clock clock;

    Forwarder(DatabaseClient db, HotlineClient client, HotlineEndpoint endpoint, HotlineSettings settings, Cases cases, Clock clock) {
        this.db = db;
        this.client = client;
        this.endpoint = endpoint;
        this.settings = settings;
        this.cases = cases;
        this.clock = clock;
    }

    /** One pass over the due rows at the time of {@code clock}. */
    public Mono<Run> runOnce(Clock clock) {
        Instant now = clock.instant();
        return claim(now)
                .concatMap(row -> "PENDING".equals(row.state()) ? file(row, now) : poll(row, now))
                .collectList()
                .map(outcomes -> new Run(count(outcomes, "FILED"), count(outcomes, "FAILED"), count(outcomes, "PARKED"),
                        count(outcomes, "REPLIED")));
    }

    private static int count(List<String> outcomes, String what) {
        return (int) outcomes.stream().filter(what::equals).count();
    }

    private Flux<Claimed> claim(Instant now) {
        return db.sql("""
                        UPDATE participation_forwarding f SET next_attempt_at = :lease, updated_at = :now
                        WHERE f.case_id IN (SELECT case_id FROM participation_forwarding
                                            WHERE state IN ('PENDING', 'FILED') AND next_attempt_at <= :now
                                            ORDER BY next_attempt_at LIMIT :batch FOR UPDATE SKIP LOCKED)
                        RETURNING f.case_id, f.state, f.external_id, f.attempts""")
                .bind("lease", now.plus(LEASE).atOffset(ZoneOffset.UTC))
                .bind("now", now.atOffset(ZoneOffset.UTC))
                .bind("batch", settings.batch())
                .map(row -> new Claimed(row.get("case_id", UUID.class), row.get("state", String.class), row.get("external_id", String.class),
                        row.get("attempts", Integer.class)))
                .all();
    }

    private Mono<String> file(Claimed row, Instant now) {
        return cases.findForForwarding(row.caseId())
                .flatMap(c -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("reference", c.reference());
                    body.put("type", c.type().name());
                    body.put("category", c.category());
                    body.put("title", c.title());
                    body.put("text", c.text());
                    body.put("department", c.department().name());
                    body.put("submittedAt", c.submittedAt().toString());
                    if (c.location() != null) body.put("location", Map.of("lat", c.location().lat(), "lon", c.location().lon()));
                    return client.file(c.id().toString(), body);
                })
                .flatMap(filing -> update(row.caseId(), "FILED", filing.id(), null, row.attempts() + 1, now.plus(settings.pollEvery()), null)
                        .thenReturn("FILED"))
                .onErrorResume(e -> failed(row, now, e));
    }

    private Mono<String> poll(Claimed row, Instant now) {
        return client.status(row.externalId())
                .flatMap(status -> {
                    if (ANSWERED.contains(status.status()) && status.reply() != null && !status.reply().isBlank()) {
                        return cases.replyFromHotline(row.caseId(), status.reply().strip())
                                .flatMap(applied -> update(row.caseId(), "DONE", row.externalId(), status.status(), row.attempts(), now, null)
                                        .thenReturn(applied ? "REPLIED" : "DONE"));
                    }
                    return update(row.caseId(), "FILED", row.externalId(), status.status(), row.attempts(), now.plus(settings.pollEvery()), null)
                            .thenReturn("POLLED");
                })
                .onErrorResume(e -> failed(row, now, e));
    }

    private Mono<String> failed(Claimed row, Instant now, Throwable e) {
        int attempts = row.attempts() + 1;
        if (e instanceof HotlineClient.Rejected) {
            log.error("12345 refused case {} ({}): parked; fix and set its forwarding row back to PENDING", row.caseId(), e.getMessage());
            return update(row.caseId(), "PARKED", row.externalId(), null, attempts, now, e.getMessage()).thenReturn("PARKED");
        }
        if (!(e instanceof HotlineClient.Unavailable)) {
            log.error("Forwarding case {} to 12345 failed unexpectedly; retried later", row.caseId(), e);
        } else {
            log.warn("Forwarding case {} to 12345: {} (attempt {}); retried later", row.caseId(), e.getMessage(), attempts);
        }
        long seconds = Math.min(settings.maxBackoff().toSeconds(), 10L << Math.min(attempts - 1, 20));
        return update(row.caseId(), row.state(), row.externalId(), null, attempts, now.plusSeconds(seconds), String.valueOf(e.getMessage()))
                .thenReturn("FAILED");
    }

    private Mono<Void> update(UUID caseId, String state, String externalId, String externalStatus, int attempts, Instant next, String error) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("""
                        UPDATE participation_forwarding SET state = :state, external_id = :external,
                            external_status = coalesce(:externalStatus, external_status), attempts = :attempts, next_attempt_at = :next,
                            last_error = :error, updated_at = :next
                        WHERE case_id = :case""")
                .bind("state", state)
                .bind("attempts", attempts)
                .bind("next", next.atOffset(ZoneOffset.UTC))
                .bind("case", caseId);
        spec = externalId == null ? spec.bindNull("external", String.class) : spec.bind("external", externalId);
        spec = externalStatus == null ? spec.bindNull("externalStatus", String.class) : spec.bind("externalStatus", externalStatus);
        spec = error == null ? spec.bindNull("error", String.class) : spec.bind("error", error.length() > 500 ? error.substring(0, 500) : error);
        return spec.then();
    }

    @Scheduled(fixedDelayString = "${onestop.participation.hotline.interval:30s}",
            initialDelayString = "${onestop.participation.hotline.initial-delay:30s}")
    void scheduled() {
        if (!endpoint.enabled()) return;
        runOnce(clock).subscribe(run -> {
            if (run.filed() + run.failed() + run.parked() + run.replied() > 0) log.info("12345 forwarding: {}", run);
        }, e -> log.error("12345 forwarding run failed", e));
    }
}
