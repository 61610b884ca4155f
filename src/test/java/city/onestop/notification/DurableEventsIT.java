package city.onestop.notification;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures;
import city.onestop.billing.Utility;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.participation.ParticipationFixture;
import city.onestop.platform.AccessTokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Participation's case updates and billing's account link changes are written to the outbox in the action's
 * transaction: with the relay stopped (an instance that died right after the commit) the event waits in the
 * table, nothing is lost, and once a relay runs the citizen is told exactly once.
 */
@IntegrationTest
class DurableEventsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired ProviderEndpoint endpoint;
    @Autowired ApplicationContext context;

    @AfterEach
    void restartRelay() {
        relay().start();
    }

    private SmartLifecycle relay() {
        return (SmartLifecycle) context.getBean("outboxRelay");
    }

    private long count(String sql, Object id) {
        return db.sql(sql).bind("id", id).map(r -> ((Number) r.get(0)).longValue()).one().block(Duration.ofSeconds(30));
    }

    private static void await(java.util.function.BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("Waited " + WAIT.toSeconds() + " s for " + what);
            city.onestop.notification.delivery.PushServiceFake.pause(50);
        }
    }

    @Test
    void aCaseUpdateWaitsInTheOutboxWhileNoRelayRunsAndIsToldOnce() {
        var fx = new ParticipationFixture(web, tokens, db);
        var citizen = fx.citizen();
        relay().stop();
        Map<String, Object> filed = fx.submitOk(citizen, ParticipationFixture.stopComplaint());
        String caseId = (String) filed.get("id");

        // Committed with the case: the event and its pending delivery to the notification consumer.
        assertThat(count("SELECT count(*) FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_id WHERE e.type = 'CaseUpdated' "
                + "AND e.payload->>'caseId' = :id AND e.payload->>'kind' = 'SUBMITTED' AND d.consumer = 'notification.case-updated' "
                + "AND d.status = 'PENDING'", caseId)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM notifications WHERE citizen_id = :id AND type = 'CASE_SUBMITTED'", citizen.id())).isZero();

        relay().start();
        await(() -> count("SELECT count(*) FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_id "
                + "WHERE e.type = 'CaseUpdated' AND e.payload->>'caseId' = :id AND d.status = 'DONE'", caseId) == 1, "the case event delivered");
        assertThat(count("SELECT count(*) FROM notifications WHERE citizen_id = :id AND type = 'CASE_SUBMITTED'", citizen.id())).isEqualTo(1);
    }

    @Test
    void anAccountLinkChangeWaitsInTheOutboxAndTellsTheOtherLinkedCitizenOnce() {
        var billing = new BillingFixtures(web, tokens, db, endpoint);
        var first = billing.citizen();
        var second = billing.citizen();
        String number = BillingFixtures.accountNumber();
        billing.createAccount(Utility.WATER, number, 3);
        UUID accountId = billing.link(first, Utility.WATER, number);
        // The first link's own event (nobody else to tell yet) is relayed before the relay stops.
        await(() -> count("SELECT count(*) FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_id "
                + "WHERE e.type = 'AccountLinkChanged' AND e.payload->>'accountId' = :id AND d.status = 'DONE'", accountId.toString()) == 1,
                "the first link's event delivered");

        relay().stop();
        billing.link(second, Utility.WATER, number);
        assertThat(count("SELECT count(*) FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_id "
                + "WHERE e.type = 'AccountLinkChanged' AND e.payload->>'accountId' = :id AND e.payload->>'change' = 'LINKED' "
                + "AND d.consumer = 'notification.account-link-changed' AND d.status = 'PENDING'", accountId.toString())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM notifications WHERE citizen_id = :id AND type = 'ACCOUNT_LINK_CHANGED'", first.id())).isZero();

        relay().start();
        await(() -> count("SELECT count(*) FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_id "
                + "WHERE e.type = 'AccountLinkChanged' AND e.payload->>'accountId' = :id AND d.status = 'DONE'", accountId.toString()) == 2,
                "both link events delivered");
        List<Map<String, Object>> told = db.sql("SELECT title, body FROM notifications WHERE citizen_id = :c AND type = 'ACCOUNT_LINK_CHANGED'")
                .bind("c", first.id()).fetch().all().collectList().block(Duration.ofSeconds(30));
        assertThat(told).singleElement().satisfies(n -> {
            assertThat(n.get("title")).isEqualTo("账户已关联"); // zh-CN, the default language
            assertThat((String) n.get("body")).startsWith("有家庭成员关联了水费账户 ").doesNotContain(number);
        });
        // The one who linked is not told of their own link (billing names only the others).
        assertThat(count("SELECT count(*) FROM notifications WHERE citizen_id = :id AND type = 'ACCOUNT_LINK_CHANGED'", second.id())).isZero();
    }
}
