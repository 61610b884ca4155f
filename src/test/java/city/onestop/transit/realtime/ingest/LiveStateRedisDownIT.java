package city.onestop.transit.realtime.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.ProblemException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads when Redis stops answering: the real embedded Redis behind a proxy that the test freezes, with Lettuce's
 * own command timeout at 60 s so only our bound can end a read in time. Reads must finish within the Redis
 * timeout: from the near cache when it has the data, else as a 503 problem.
 */
@IntegrationTest
class LiveStateRedisDownIT {

    @Autowired JsonMapper json;
    @Autowired Clock clock;
    @Autowired LiveFeedProperties properties;
    @Autowired LettuceConnectionFactory appConnections;

    private FreezableProxy proxy;
    private LettuceConnectionFactory connections;
    private LiveState state;

    @BeforeEach
    void redisBehindAProxy() {
        proxy = new FreezableProxy(appConnections.getHostName(), appConnections.getPort());
        connections = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration("localhost", proxy.port()),
                LettuceClientConfiguration.builder()
                        .commandTimeout(Duration.ofSeconds(60))
                        .shutdownTimeout(Duration.ZERO)
                        .build());
        connections.afterPropertiesSet();
        connections.start();
        state = new LiveState(new ReactiveStringRedisTemplate(connections), connections, json, clock, properties);
        state.start(); // opens the connection and subscribes to announcements, as at application start
    }

    @AfterEach
    void close() throws Exception {
        state.stop();
        proxy.close();
        connections.destroy();
    }

    private LiveSnapshot snapshot(String feedId) {
        Instant header = clock.instant().minusSeconds(30);
        return new LiveSnapshot(feedId, FeedKind.ALERTS, header.getEpochSecond(), header, header, List.of(), List.of(),
                List.of());
    }

    @Test
    void aReadWithNothingCachedFailsFastAsServiceUnavailableWhenRedisHangs() {
        // Connected and answering first: an unknown feed is simply empty.
        StepVerifier.create(state.read("feed-unknown-" + System.nanoTime(), FeedKind.ALERTS))
                .verifyComplete();
        proxy.freeze();

        long started = System.nanoTime();
        StepVerifier.create(state.read("feed-x", FeedKind.VEHICLE_POSITIONS))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(ProblemException.class);
                    assertThat(((ProblemException) e).code()).isEqualTo("REALTIME_UNAVAILABLE");
                    assertThat(((ProblemException) e).status().value()).isEqualTo(503);
                })
                .verify(Duration.ofSeconds(10));
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isLessThan(properties.realtime().redisTimeout().plusSeconds(2));
    }

    @Test
    void whatTheNearCacheHoldsIsStillServedWithItsAgeWhenRedisHangs() {
        String feed = "feed-" + System.nanoTime();
        StepVerifier.create(state.publish(snapshot(feed))).expectNext(true).verifyComplete();
        proxy.freeze();

        StepVerifier.create(state.read(feed, FeedKind.ALERTS))
                .assertNext(v -> {
                    assertThat(v.snapshot().feedId()).isEqualTo(feed);
                    assertThat(v.age()).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
                })
                .verifyComplete();
    }

    @Test
    void aWriteThatCannotReachRedisFailsAndLeavesTheNearCacheAsItWas() {
        proxy.freeze();

        StepVerifier.create(state.publish(snapshot("feed-y"))).expectError().verify(Duration.ofSeconds(15));
        assertThat(state.peek("feed-y", FeedKind.ALERTS)).isEmpty();
    }
}
