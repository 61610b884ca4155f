package city.onestop.platform;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@IntegrationTest
class AuditIT {

    @Autowired
    AuditLog audit;

    @Autowired
    DatabaseClient db;

    @Autowired
    ReactiveTransactionManager txManager;

    @Autowired
    AccessTokens tokens;

    @Autowired
    WebTestClient web;

    private String admin() {
        return "Bearer " + tokens.issue(UUID.randomUUID(), Set.of(Role.ADMIN)).value();
    }

    private Map<?, ?> verify() {
        return web.get().uri("/api/v1/admin/audit/verify").header("Authorization", admin()).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }

    @Test
    void concurrentWritersKeepEveryChainIntact() {
        var actors = Flux.range(0, 5).map(i -> UUID.randomUUID()).collectList().block();
        Flux.range(0, 300)
                .flatMap(i -> audit.record(new AuditLog.AuditEntry(actors.get(i % 5), "CITIZEN", "TEST_CONCURRENT",
                        "probe:" + i, AuditLog.Outcome.SUCCESS)), 64)
                .blockLast(Duration.ofSeconds(60));

        long written = db.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'TEST_CONCURRENT' AND actor_id IN (:a)")
                .bind("a", actors).map(r -> r.get("n", Long.class)).one().block(Duration.ofSeconds(10));
        assertThat(written).isEqualTo(300);
        assertThat(verify().get("valid")).isEqualTo(true);
    }

    @Test
    void writersOfOneChainQueueAndHashTheSameWayAsTheVerifier() {
        // One actor and one target: every row on the same chain; a non-ASCII target and rows without an actor role
        // show the hash computed in the INSERT to be the verifier's (UTF-8, "null" for what is absent).
        UUID actor = UUID.randomUUID();
        Flux.range(0, 60)
                .flatMap(i -> audit.record(new AuditLog.AuditEntry(actor, i % 2 == 0 ? null : "CITIZEN", "TEST_ONE_CHAIN",
                        "预约:广州市第一人民医院", AuditLog.Outcome.SUCCESS)), 32)
                .blockLast(Duration.ofSeconds(60));

        var seqs = db.sql("SELECT chain_seq FROM audit_log WHERE action = 'TEST_ONE_CHAIN' AND actor_id = :a ORDER BY chain_seq")
                .bind("a", actor).map(r -> r.get("chain_seq", Long.class)).all().collectList().block(Duration.ofSeconds(10));
        assertThat(seqs).hasSize(60);
        assertThat(seqs.get(59) - seqs.get(0)).isGreaterThanOrEqualTo(59);
        assertThat(verify().get("valid")).isEqualTo(true);
    }

    @Test
    void auditRowRollsBackWithTheAction() {
        UUID actor = UUID.randomUUID();
        TransactionalOperator tx = TransactionalOperator.create(txManager);
        audit.record(new AuditLog.AuditEntry(actor, "CITIZEN", "TEST_ROLLBACK", "x", AuditLog.Outcome.SUCCESS))
                .then(Mono.error(new IllegalStateException("the action failed")))
                .as(tx::transactional)
                .onErrorResume(IllegalStateException.class, e -> Mono.empty())
                .block(Duration.ofSeconds(10));

        long n = db.sql("SELECT count(*) AS n FROM audit_log WHERE actor_id = :a").bind("a", actor)
                .map(r -> r.get("n", Long.class)).one().block(Duration.ofSeconds(10));
        assertThat(n).isZero();
    }

    @Test
    void editingARowInTheDatabaseIsDetectedAtThatRow() {
        UUID actor = UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            audit.record(new AuditLog.AuditEntry(actor, "CITIZEN", "TEST_TAMPER", "bill:" + i, AuditLog.Outcome.SUCCESS))
                    .block(Duration.ofSeconds(10));
        }
        long victim = db.sql("SELECT id FROM audit_log WHERE actor_id = :a AND target = 'bill:1'").bind("a", actor)
                .map(r -> r.get("id", Long.class)).one().block(Duration.ofSeconds(10));
        assertThat(verify().get("valid")).isEqualTo(true);

        TransactionalOperator tx = TransactionalOperator.create(txManager);
        try {
            // What an intruder with database access would do: bypass the append-only trigger and rewrite history.
            db.sql("SET LOCAL onestop.audit_maintenance = 'on'").then()
                    .then(db.sql("UPDATE audit_log SET outcome = 'FAILURE' WHERE id = :id").bind("id", victim).then())
                    .as(tx::transactional).block(Duration.ofSeconds(10));

            Map<?, ?> result = verify();
            assertThat(result.get("valid")).isEqualTo(false);
            Map<?, ?> broken = (Map<?, ?>) result.get("firstBrokenLink");
            assertThat(((Number) broken.get("id")).longValue()).isEqualTo(victim);
        } finally {
            db.sql("SET LOCAL onestop.audit_maintenance = 'on'").then()
                    .then(db.sql("UPDATE audit_log SET outcome = 'SUCCESS' WHERE id = :id").bind("id", victim).then())
                    .as(tx::transactional).block(Duration.ofSeconds(10));
        }
        assertThat(verify().get("valid")).isEqualTo(true);
    }

    @Test
    void theApplicationCannotUpdateAuditRows() {
        UUID actor = UUID.randomUUID();
        audit.record(new AuditLog.AuditEntry(actor, "CITIZEN", "TEST_APPEND_ONLY", "x", AuditLog.Outcome.SUCCESS))
                .block(Duration.ofSeconds(10));
        Throwable error = db.sql("DELETE FROM audit_log WHERE actor_id = :a").bind("a", actor).then()
                .thenReturn("deleted").onErrorResume(e -> Mono.just("refused: " + e.getMessage()))
                .block(Duration.ofSeconds(10)).startsWith("refused") ? null : new AssertionError("delete was allowed");
        assertThat(error).isNull();
    }

    @Test
    void adminListsByActorAndCitizenSeesOnlyTheirOwnActivity() {
        UUID me = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        audit.record(new AuditLog.AuditEntry(me, "CITIZEN", "LOGIN", "phone:138****0001", AuditLog.Outcome.SUCCESS))
                .block(Duration.ofSeconds(10));
        audit.record(new AuditLog.AuditEntry(other, "CITIZEN", "LOGIN", "phone:138****0002", AuditLog.Outcome.SUCCESS))
                .block(Duration.ofSeconds(10));

        web.get().uri("/api/v1/admin/audit?actor=" + me).header("Authorization", admin()).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].action").isEqualTo("LOGIN");
        String citizen = "Bearer " + tokens.issue(me, Set.of(Role.CITIZEN)).value();
        web.get().uri("/api/v1/me/activity").header("Authorization", citizen).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].target").isEqualTo("phone:138****0001");
        web.get().uri("/api/v1/admin/audit/verify").header("Authorization", citizen).exchange()
                .expectStatus().isForbidden();
    }

    @Test
    void pagesWithACursor() {
        UUID me = UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            audit.record(new AuditLog.AuditEntry(me, "CITIZEN", "PAGE", "t" + i, AuditLog.Outcome.SUCCESS)).block(Duration.ofSeconds(10));
        }
        String citizen = "Bearer " + tokens.issue(me, Set.of(Role.CITIZEN)).value();
        Map<?, ?> first = web.get().uri("/api/v1/me/activity?limit=3").header("Authorization", citizen).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat((java.util.List<?>) first.get("items")).hasSize(3);
        web.get().uri("/api/v1/me/activity?limit=3&cursor=" + first.get("next")).header("Authorization", citizen).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(2)
                .jsonPath("$.next").doesNotExist()
                .jsonPath("$.items[1].target").isEqualTo("t0");
        web.get().uri("/api/v1/me/activity?cursor=not-ours!").header("Authorization", citizen).exchange()
                .expectStatus().isBadRequest();
    }
}
