package city.onestop.transit.realtime.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import city.onestop.IntegrationTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.test.StepVerifier;

/** Two lease holders (two instances) for one feed on the real embedded Redis. */
@IntegrationTest
class FeedLeaseIT {

    /** Short, so takeover is quick to observe; long enough that a busy CI core renews well within it. */
    private static final Duration TTL = Duration.ofMillis(300);

    private static final Duration LONG_TTL = Duration.ofSeconds(10);
    private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);

    @Autowired ReactiveStringRedisTemplate redis;

    private FeedLease[] twoHolders(Duration ttl) {
        String feed = "lease-" + UUID.randomUUID();
        return new FeedLease[] {
            new FeedLease(redis, feed, "instance-a", ttl, REDIS_TIMEOUT),
            new FeedLease(redis, feed, "instance-b", ttl, REDIS_TIMEOUT)
        };
    }

    private static boolean hold(FeedLease lease) {
        return lease.tryHold().block(Duration.ofSeconds(5));
    }

    @Test
    void onlyOneHolderAtATimeAndRenewingKeepsIt() {
        FeedLease[] l = twoHolders(Duration.ofSeconds(1));

        assertThat(hold(l[0])).isTrue();
        assertThat(hold(l[1])).isFalse();
        // A keeps renewing past several TTLs: B never gets it.
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < until) {
            assertThat(hold(l[0])).isTrue();
            assertThat(hold(l[1])).isFalse();
        }
        StepVerifier.create(l[1].currentHolder()).expectNext("instance-a").verifyComplete();
    }

    @Test
    void theOtherHolderTakesOverOnceTheLeaderStopsRenewing() {
        FeedLease[] l = twoHolders(TTL);
        assertThat(hold(l[0])).isTrue();
        long stopped = System.nanoTime();

        await().pollInterval(Duration.ofMillis(20)).atMost(Duration.ofSeconds(5)).until(() -> hold(l[1]));

        assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isGreaterThanOrEqualTo(TTL.minusMillis(50));
        // The old leader, back from a pause, cannot renew what it lost.
        assertThat(hold(l[0])).isFalse();
    }

    @Test
    void releasingHandsTheLeaseOverAtOnceButOnlyByItsHolder() {
        FeedLease[] l = twoHolders(LONG_TTL);
        assertThat(hold(l[0])).isTrue();

        assertThat(l[1].release().block(Duration.ofSeconds(5))).isFalse();
        assertThat(hold(l[1])).isFalse();
        assertThat(l[0].release().block(Duration.ofSeconds(5))).isTrue();
        assertThat(hold(l[1])).isTrue();
    }
}
