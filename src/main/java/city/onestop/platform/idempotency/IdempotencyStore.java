package city.onestop.platform.idempotency;

import city.onestop.platform.Idempotency;
import city.onestop.platform.ProblemException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** {@link Idempotency} on the {@code idempotency_keys} table; the database decides every race. */
@Component
class IdempotencyStore implements Idempotency {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration retention;
    private final Duration inFlightLease;

    IdempotencyStore(DatabaseClient db, ReactiveTransactionManager txManager, JsonMapper json, Clock clock,
            @Value("${onestop.idempotency.retention:24h}") Duration retention,
            @Value("${onestop.idempotency.in-flight-lease:2m}") Duration inFlightLease) {
        this.db = db;
        this.tx = TransactionalOperator.create(txManager);
        this.json = json;
        this.clock = clock;
        this.retention = retention;
        this.inFlightLease = inFlightLease;
    }

    @Override
    public Mono<Claim> claim(IdempotentRequest request) {
        String fingerprint = fingerprint(request);
        OffsetDateTime now = now();
        return db.sql("""
                        INSERT INTO idempotency_keys (principal, key, fingerprint, state, created_at, locked_until, expires_at)
                        VALUES (:principal, :key, :fingerprint, 'IN_PROGRESS', :now, :lockedUntil, :expiresAt)
                        ON CONFLICT (principal, key) DO NOTHING
                        RETURNING key""")
                .bind("principal", request.principal())
                .bind("key", request.key())
                .bind("fingerprint", fingerprint)
                .bind("now", now)
                .bind("lockedUntil", now.plus(inFlightLease))
                .bind("expiresAt", now.plus(retention))
                .map(row -> (Claim) new Claim.Fresh(request.principal(), request.key()))
                .one()
                .switchIfEmpty(Mono.defer(() -> existing(request, fingerprint, now)));
    }

    private Mono<Claim> existing(IdempotentRequest request, String fingerprint, OffsetDateTime now) {
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
                .one()
                // The row vanished between our insert and select (expired and swept): claim again.
                .switchIfEmpty(Mono.defer(() -> claim(request).map(Existing::claimed)))
                .flatMap(e -> {
                    if (e.claim != null) {
                        return Mono.just(e.claim);
                    }
                    if (e.expiresAt.isBefore(now)) {
                        return takeOver(request, fingerprint, now, "expires_at < :now");
                    }
                    if (!e.fingerprint.equals(fingerprint)) {
                        return Mono.error(new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "IDEMPOTENCY_KEY_REUSED",
                                "Idempotency-Key reused", "This Idempotency-Key was already used for a different request"));
                    }
                    if ("COMPLETED".equals(e.state)) {
                        return Mono.just(new Claim.Replay(e.status, e.body));
                    }
                    if (e.lockedUntil.isBefore(now)) {
                        // The first attempt died mid-way (instance crash); its lease ran out, so this one may run.
                        return takeOver(request, fingerprint, now, "state = 'IN_PROGRESS' AND locked_until < :now");
                    }
                    return Mono.error(inProgress());
                });
    }

    private Mono<Claim> takeOver(IdempotentRequest request, String fingerprint, OffsetDateTime now, String condition) {
        return db.sql("UPDATE idempotency_keys SET fingerprint = :fingerprint, state = 'IN_PROGRESS', response_status = NULL, "
                        + "response_body = NULL, created_at = :now, locked_until = :lockedUntil, expires_at = :expiresAt "
                        + "WHERE principal = :principal AND key = :key AND " + condition + " RETURNING key")
                .bind("fingerprint", fingerprint)
                .bind("now", now)
                .bind("lockedUntil", now.plus(inFlightLease))
                .bind("expiresAt", now.plus(retention))
                .bind("principal", request.principal())
                .bind("key", request.key())
                .map(row -> (Claim) new Claim.Fresh(request.principal(), request.key()))
                .one()
                .switchIfEmpty(Mono.error(inProgress()));
    }

    private static ProblemException inProgress() {
        return new ProblemException(HttpStatus.CONFLICT, "IDEMPOTENCY_IN_PROGRESS", "Request in progress",
                "A request with this Idempotency-Key is still being processed; retry later to get its result");
    }

    @Override
    public Mono<Void> complete(Claim.Fresh claim, int status, Object body) {
        String stored = body instanceof String s ? s : json.writeValueAsString(body);
        return db.sql("""
                        UPDATE idempotency_keys SET state = 'COMPLETED', response_status = :status, response_body = :body
                        WHERE principal = :principal AND key = :key AND state = 'IN_PROGRESS'""")
                .bind("status", status)
                .bind("body", stored)
                .bind("principal", claim.principal())
                .bind("key", claim.key())
                .fetch()
                .rowsUpdated()
                .flatMap(n -> n == 1 ? Mono.<Void>empty() : Mono.error(new IllegalStateException(
                        "Idempotency record lost its claim before completion")));
    }

    @Override
    public Mono<Void> release(Claim.Fresh claim) {
        return db.sql("DELETE FROM idempotency_keys WHERE principal = :principal AND key = :key AND state = 'IN_PROGRESS'")
                .bind("principal", claim.principal())
                .bind("key", claim.key())
                .then();
    }

    @Override
    public <T> Mono<ResponseEntity<Object>> execute(
            IdempotentRequest request, int successStatus, Function<Claim.Fresh, Mono<T>> action) {
        return claim(request).flatMap(claim -> {
            if (claim instanceof Claim.Replay replay) {
                return Mono.just(Idempotency.replay(replay));
            }
            Claim.Fresh fresh = (Claim.Fresh) claim;
            return action.apply(fresh)
                    .flatMap(body -> complete(fresh, successStatus, body).thenReturn(body))
                    .as(tx::transactional)
                    .map(body -> ResponseEntity.status(successStatus).body((Object) body))
                    .onErrorResume(error -> release(fresh)
                            .onErrorResume(e -> {
                                log.warn("Could not release idempotency key after a failure", e);
                                return Mono.empty();
                            })
                            .then(Mono.error(error)));
        });
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

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
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
