package city.onestop.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import city.onestop.IntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

@IntegrationTest
class IdempotencyIT {

    @Autowired
    Idempotency idempotency;

    @Autowired
    DatabaseClient db;

    @BeforeAll
    static void createProbeTable(@Autowired DatabaseClient db) {
        db.sql("CREATE TABLE IF NOT EXISTS test_idempotency_probe (id uuid PRIMARY KEY, principal uuid NOT NULL, note text)")
                .then()
                .block(Duration.ofSeconds(10));
    }

    private Mono<Map<String, Object>> writeProbe(UUID principal, String note) {
        UUID id = UUID.randomUUID();
        return db.sql("INSERT INTO test_idempotency_probe (id, principal, note) VALUES (:id, :p, :n)")
                .bind("id", id).bind("p", principal).bind("n", note)
                .then()
                .thenReturn(Map.of("id", id.toString(), "note", note));
    }

    private Mono<Long> countProbes(UUID principal) {
        return db.sql("SELECT count(*) AS n FROM test_idempotency_probe WHERE principal = :p")
                .bind("p", principal).map(r -> r.get("n", Long.class)).one();
    }

    @Test
    void twoHundredConcurrentIdenticalRequestsWriteOnce() {
        UUID citizen = UUID.randomUUID();
        var request = Idempotency.IdempotentRequest.of(citizen, "key-" + UUID.randomUUID(), "POST /probe", Map.of("a", 1));
        AtomicInteger fresh = new AtomicInteger();
        AtomicInteger replayed = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();

        List<Object> outcomes = Flux.range(0, 200)
                .flatMap(i -> idempotency.execute(request, 201, claim -> writeProbe(citizen, "once")
                                        .delayElement(Duration.ofMillis(20)))
                                .map(r -> (Object) r)
                                .onErrorResume(ProblemException.class, e -> Mono.just(e))
                                .subscribeOn(Schedulers.parallel()),
                        200)
                .collectList()
                .block(Duration.ofSeconds(60));

        for (Object o : outcomes) {
            if (o instanceof ResponseEntity<?> r) {
                if ("true".equals(r.getHeaders().getFirst(Idempotency.REPLAYED_HEADER))) {
                    replayed.incrementAndGet();
                } else {
                    fresh.incrementAndGet();
                }
                assertThat(r.getStatusCode().value()).isEqualTo(201);
            } else {
                assertThat(((ProblemException) o).code()).isEqualTo("IDEMPOTENCY_IN_PROGRESS");
                inFlight.incrementAndGet();
            }
        }
        assertThat(fresh.get()).isEqualTo(1);
        assertThat(fresh.get() + replayed.get() + inFlight.get()).isEqualTo(200);
        assertThat(countProbes(citizen).block(Duration.ofSeconds(10))).isEqualTo(1L);
    }

    @Test
    void completedKeyReplaysTheFirstResponseBody() {
        UUID citizen = UUID.randomUUID();
        var request = Idempotency.IdempotentRequest.of(citizen, "k1", "POST /probe", Map.of("a", 1));
        ResponseEntity<Object> first = idempotency.execute(request, 201, c -> writeProbe(citizen, "x")).block(Duration.ofSeconds(10));
        ResponseEntity<Object> second = idempotency.execute(request, 201, c -> writeProbe(citizen, "y")).block(Duration.ofSeconds(10));

        assertThat(second.getHeaders().getFirst(Idempotency.REPLAYED_HEADER)).isEqualTo("true");
        assertThat((String) second.getBody()).contains(((Map<?, ?>) first.getBody()).get("id").toString());
        assertThat(countProbes(citizen).block(Duration.ofSeconds(10))).isEqualTo(1L);
    }

    @Test
    void sameKeyWithAnotherBodyIsRejected() {
        UUID citizen = UUID.randomUUID();
        idempotency.execute(Idempotency.IdempotentRequest.of(citizen, "k", "POST /probe", Map.of("a", 1)), 201,
                c -> writeProbe(citizen, "x")).block(Duration.ofSeconds(10));

        StepVerifier.create(idempotency.execute(Idempotency.IdempotentRequest.of(citizen, "k", "POST /probe", Map.of("a", 2)),
                        201, c -> writeProbe(citizen, "y")))
                .expectErrorSatisfies(e -> assertThat(((ProblemException) e).status().value()).isEqualTo(422))
                .verify(Duration.ofSeconds(10));
        assertThat(countProbes(citizen).block(Duration.ofSeconds(10))).isEqualTo(1L);
    }

    @Test
    void keysArePerCitizen() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        idempotency.execute(Idempotency.IdempotentRequest.of(a, "shared", "POST /probe", null), 201, c -> writeProbe(a, "a"))
                .block(Duration.ofSeconds(10));
        ResponseEntity<Object> forB = idempotency.execute(Idempotency.IdempotentRequest.of(b, "shared", "POST /probe", null), 201,
                c -> writeProbe(b, "b")).block(Duration.ofSeconds(10));

        assertThat(forB.getHeaders().getFirst(Idempotency.REPLAYED_HEADER)).isNull();
        assertThat(countProbes(b).block(Duration.ofSeconds(10))).isEqualTo(1L);
    }

    @Test
    void failedActionWritesNothingAndReleasesTheKey() {
        UUID citizen = UUID.randomUUID();
        var request = Idempotency.IdempotentRequest.of(citizen, "retry-me", "POST /probe", null);

        StepVerifier.create(idempotency.execute(request, 201, c -> writeProbe(citizen, "doomed")
                        .then(Mono.error(ProblemException.conflict("SLOT_FULL", "full")))))
                .expectError(ProblemException.class)
                .verify(Duration.ofSeconds(10));
        assertThat(countProbes(citizen).block(Duration.ofSeconds(10))).isZero();

        ResponseEntity<Object> retry = idempotency.execute(request, 201, c -> writeProbe(citizen, "ok")).block(Duration.ofSeconds(10));
        assertThat(retry.getStatusCode().value()).isEqualTo(201);
        assertThat(countProbes(citizen).block(Duration.ofSeconds(10))).isEqualTo(1L);
    }

    @Test
    void missingKeyIsABadRequest() {
        assertThatThrownBy(() -> Idempotency.IdempotentRequest.of(UUID.randomUUID(), " ", "POST /probe", null))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("IDEMPOTENCY_KEY_MISSING");
                });
    }
}
