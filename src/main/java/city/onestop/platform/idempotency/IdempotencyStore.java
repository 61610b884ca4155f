package city.onestop.platform.idempotency;

import city.onestop.platform.Idempotency;
import city.onestop.platform.ProblemException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link Idempotency} on the {@code idempotency_keys} table; the database decides every race (decision 0002).
 * A local action's key is serialized by {@code pg_try_advisory_xact_lock} for the length of its one transaction; a
 * payment's key by its committed {@code IN_PROGRESS} row.
 */
@Component
class IdempotencyStore implements Idempotency {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration retention;
    private final Duration inFlightLease;

    IdempotencyStore(DatabaseClient db, TransactionalOperator tx, JsonMapper json, Clock clock,
            @Value("${onestop.idempotency.retention:24h}") Duration retention,
            @Value("${onestop.idempotency.in-flight-lease:2m}") Duration inFlightLease) {
        this.db = db;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        this.retention = retention;
        this.inFlightLease = inFlightLease;
    }

    // ------------------------------------------------------------------ local actions: one transaction

    @Override
    public <T> Mono<ResponseEntity<Object>> execute(
            IdempotentRequest request, int successStatus, Function<Claim.Fresh, Mono<T>> action) {
        return Mono.defer(() -> {
                    String fingerprint = fingerprint(request);
                    OffsetDateTime now = now();
                    Claim.Fresh fresh = new Claim.Fresh(request.principal(), request.key(), null);
                    return lock(request)
                            .then(find(request))
                            .flatMap(e -> Mono.justOrEmpty(decide(e, fingerprint, now)))
                            .defaultIfEmpty(fresh)
                            .flatMap(claim -> claim instanceof Claim.Replay replay
                                    ? Mono.just(Idempotency.replay(replay))
                                    : action.apply(fresh).flatMap(body -> insertCompleted(request, fingerprint, now, successStatus,
                                                    body)
                                            .thenReturn(ResponseEntity.status(successStatus).body((Object) body))));
                })
                .as(tx::transactional);
    }

    @Override
    public Mono<ResponseEntity<Object>> findReplay(IdempotentRequest request) {
        return Mono.defer(() -> {
            String fingerprint = fingerprint(request);
            OffsetDateTime now = now();
            return find(request)
                    .flatMap(e -> Mono.justOrEmpty(decide(e, fingerprint, now)))
                    .map(claim -> Idempotency.replay((Claim.Replay) claim));
        });
    }

    /** Held until the transaction ends; a second request with the key meanwhile is told it is in flight. */
    private Mono<Void> lock(IdempotentRequest request) {
        return db.sql("SELECT pg_try_advisory_xact_lock(:k) AS locked")
                .bind("k", lockKey(request))
                .map(r -> Boolean.TRUE.equals(r.get("locked", Boolean.class)))
                .one()
                .flatMap(locked -> locked ? Mono.<Void>empty() : Mono.error(inProgress()));
    }

    /**
     * Replays, refuses, or (empty) lets the caller run: an expired record, or a payment's claim whose lease ran
     * out, is taken over.
     */
    private Claim decide(Existing e, String fingerprint, OffsetDateTime now) {
        if (e.expiresAt.isBefore(now)) {
            return null;
        }
        if (!e.fingerprint.equals(fingerprint)) {
            throw reused();
        }
        if ("COMPLETED".equals(e.state)) {
            return new Claim.Replay(e.status, e.body);
        }
        if (e.lockedUntil.isBefore(now)) {
            return null;
        }
        throw inProgress();
    }

    private Mono<Void> insertCompleted(IdempotentRequest request, String fingerprint, OffsetDateTime now, int status, Object body) {
        // The conflict arm only takes over what decide() allowed (expired, or a dead claim); a payment's claim of the
        // same key committed meanwhile (that path takes no advisory lock) makes this 0 rows, and the action rolls back.
        return db.sql("""
                        INSERT INTO idempotency_keys (principal, key, fingerprint, state, response_status, response_body, created_at,
                            locked_until, expires_at)
                        VALUES (:principal, :key, :fingerprint, 'COMPLETED', :status, :body, :now, :now, :expiresAt)
                        ON CONFLICT (principal, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, state = 'COMPLETED',
                            response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body,
                            created_at = EXCLUDED.created_at, locked_until = EXCLUDED.locked_until, expires_at = EXCLUDED.expires_at,
                            claim_token = NULL
                        WHERE idempotency_keys.expires_at < :now
                           OR (idempotency_keys.state = 'IN_PROGRESS' AND idempotency_keys.locked_until < :now)""")
                .bind("principal", request.principal())
                .bind("key", request.key())
                .bind("fingerprint", fingerprint)
                .bind("status", status)
                .bind("body", serialized(body))
                .bind("now", now)
                .bind("expiresAt", now.plus(retention))
                .fetch()
                .rowsUpdated()
                .flatMap(n -> n == 1 ? Mono.<Void>empty() : Mono.error(inProgress()));
    }

    // ------------------------------------------------------------------ payments: a committed claim

    @Override
    public Mono<ResponseEntity<Object>> claimed(
            IdempotentRequest request, Function<Claim.Fresh, Mono<ResponseEntity<Object>>> flow) {
        return Mono.defer(() -> {
            // The claim's INSERT commits on the server even when its caller cancels while it runs; usingWhen cannot
            // clean up a resource it never received. So the claim runs to its end regardless, and a caller gone by
            // then has it released as soon as it exists.
            CompletableFuture<Claim> claiming = claim(request).toFuture();
            Mono<Claim> resource = Mono.fromFuture(claiming, true)
                    .doOnCancel(() -> claiming.thenAccept(claim -> release(claim).subscribe()));
            return Mono.usingWhen(
                    resource,
                    claim -> claim instanceof Claim.Replay replay
                            ? Mono.just(Idempotency.replay(replay))
                            : flow.apply((Claim.Fresh) claim),
                    // Completed or failed in the flow's final transaction: nothing left to do.
                    claim -> Mono.empty(),
                    (claim, error) -> release(claim),
                    this::release);
        });
    }

    private Mono<Claim> claim(IdempotentRequest request) {
        String fingerprint = fingerprint(request);
        OffsetDateTime now = now();
        UUID token = UUID.randomUUID();
        return db.sql("""
                        INSERT INTO idempotency_keys (principal, key, fingerprint, state, created_at, locked_until, expires_at, claim_token)
                        SELECT :principal, :key, :fingerprint, 'IN_PROGRESS', :now, :lockedUntil, :expiresAt, :token
                        FROM (SELECT pg_advisory_xact_lock(:lock)) AS held
                        ON CONFLICT (principal, key) DO NOTHING
                        RETURNING key""")
                .bind("lock", lockKey(request))
                .bind("principal", request.principal())
                .bind("key", request.key())
                .bind("fingerprint", fingerprint)
                .bind("now", now)
                .bind("lockedUntil", now.plus(inFlightLease))
                .bind("expiresAt", now.plus(retention))
                .bind("token", token)
                .map(row -> (Claim) new Claim.Fresh(request.principal(), request.key(), token))
                .one()
                .switchIfEmpty(Mono.defer(() -> find(request)
                        // The row vanished between our insert and select (released or swept): claim again.
                        .switchIfEmpty(Mono.defer(() -> claim(request).map(Existing::claimed)))
                        .flatMap(e -> e.claim != null
                                ? Mono.just(e.claim)
                                : Mono.justOrEmpty(decide(e, fingerprint, now))
                                        .switchIfEmpty(Mono.defer(() -> takeOver(request, fingerprint, now, token))))));
    }

    private Mono<Claim> takeOver(IdempotentRequest request, String fingerprint, OffsetDateTime now, UUID token) {
        return db.sql("UPDATE idempotency_keys SET fingerprint = :fingerprint, state = 'IN_PROGRESS', response_status = NULL, "
                        + "response_body = NULL, created_at = :now, locked_until = :lockedUntil, expires_at = :expiresAt, "
                        + "claim_token = :token WHERE principal = :principal AND key = :key "
                        + "AND (expires_at < :now OR (state = 'IN_PROGRESS' AND locked_until < :now)) RETURNING key")
                .bind("fingerprint", fingerprint)
                .bind("now", now)
                .bind("lockedUntil", now.plus(inFlightLease))
                .bind("expiresAt", now.plus(retention))
                .bind("token", token)
                .bind("principal", request.principal())
                .bind("key", request.key())
                .map(row -> (Claim) new Claim.Fresh(request.principal(), request.key(), token))
                .one()
                .switchIfEmpty(Mono.error(inProgress()));
    }

    @Override
    public Mono<Void> complete(Claim.Fresh claim, int status, Object body) {
        return db.sql("""
                        UPDATE idempotency_keys SET state = 'COMPLETED', response_status = :status, response_body = :body, claim_token = NULL
                        WHERE principal = :principal AND key = :key AND state = 'IN_PROGRESS' AND claim_token = :token""")
                .bind("status", status)
                .bind("body", serialized(body))
                .bind("principal", claim.principal())
                .bind("key", claim.key())
                .bind("token", claim.token())
                .fetch()
                .rowsUpdated()
                .flatMap(n -> n == 1 ? Mono.<Void>empty() : Mono.error(new IllegalStateException(
                        "Idempotency record lost its claim before completion")));
    }

    @Override
    public Mono<Void> fail(Claim.Fresh claim) {
        return forget(claim);
    }

    /** usingWhen cleanup after an error or a cancel; a claim already completed or failed matches no row. */
    private Mono<Void> release(Claim claim) {
        if (!(claim instanceof Claim.Fresh fresh)) {
            return Mono.empty();
        }
        return forget(fresh).onErrorResume(e -> {
            // The lease (onestop.idempotency.in-flight-lease) still frees the key for a retry.
            log.warn("Could not release idempotency claim {} of {}: {}", fresh.key(), fresh.principal(), e.toString());
            return Mono.empty();
        });
    }

    /**
     * The claim's statement holds the key's advisory lock until it commits, and its row reaches us before that
     * commit (the server commits at the protocol's Sync): taking the lock first makes this delete wait for the claim
     * to be visible instead of missing it.
     */
    private Mono<Void> forget(Claim.Fresh claim) {
        return db.sql("SELECT pg_advisory_xact_lock(:lock)")
                .bind("lock", lockKey(claim.principal(), claim.key()))
                .then()
                .then(db.sql("DELETE FROM idempotency_keys WHERE principal = :principal AND key = :key AND state = 'IN_PROGRESS' "
                                + "AND claim_token = :token")
                        .bind("principal", claim.principal())
                        .bind("key", claim.key())
                        .bind("token", claim.token())
                        .fetch()
                        .rowsUpdated())
                .as(tx::transactional)
                .then();
    }

    // ------------------------------------------------------------------ shared

    private Mono<Existing> find(IdempotentRequest request) {
        return db.sql("""
                        SELECT fingerprint, state, response_status, response_body, locked_until, expires_at
                        FROM idempotency_keys WHERE principal = :principal AND key = :key""")
                .bind("principal", request.principal())
                .bind("key", request.key())
                .map(row -> new Existing(
                        row.get("fingerprint", String.class),
                        row.get("state", String.class),
                        row.get("response_status", Integer.class),
                        row.get("response_body", String.class),
                        row.get("locked_until", OffsetDateTime.class),
                        row.get("expires_at", OffsetDateTime.class)))
                .one();
    }

    private static ProblemException inProgress() {
        return new ProblemException(HttpStatus.CONFLICT, "IDEMPOTENCY_IN_PROGRESS", "Request in progress",
                "A request with this Idempotency-Key is still being processed; retry later to get its result");
    }

    private static ProblemException reused() {
        return new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key reused",
                "This Idempotency-Key was already used for a different request");
    }

    /** Deletes expired records; safe on every instance at once (a delete of what is expired is idempotent). */
    @Scheduled(fixedDelayString = "${onestop.idempotency.sweep-interval:10m}", initialDelayString = "1m")
    void sweep() {
        db.sql("DELETE FROM idempotency_keys WHERE expires_at < :now")
                .bind("now", now())
                .fetch()
                .rowsUpdated()
                .subscribe(n -> {
                    if (n > 0) {
                        log.info("Swept {} expired idempotency keys", n);
                    }
                }, e -> log.warn("Idempotency sweep failed", e));
    }

    private String serialized(Object body) {
        return body instanceof String s ? s : json.writeValueAsString(body);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** 64 bits of SHA-256: the app's other advisory locks use small ASCII constants, so a collision is negligible. */
    private static long lockKey(IdempotentRequest request) {
        return lockKey(request.principal(), request.key());
    }

    private static long lockKey(UUID principal, String key) {
        byte[] digest = sha256(principal + "\u0000" + key);
        return ByteBuffer.wrap(digest).getLong();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String fingerprint(IdempotentRequest request) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(request.operation().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            if (request.body() != null) {
                sha.update(json.writeValueAsBytes(request.body()));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Existing(String fingerprint, String state, Integer status, String body, OffsetDateTime lockedUntil,
            OffsetDateTime expiresAt, Claim claim) {

        Existing(String fingerprint, String state, Integer status, String body, OffsetDateTime lockedUntil,
                OffsetDateTime expiresAt) {
            this(fingerprint, state, status, body, lockedUntil, expiresAt, null);
        }

        static Existing claimed(Claim claim) {
            return new Existing(null, null, null, null, null, null, claim);
        }
    }
}
