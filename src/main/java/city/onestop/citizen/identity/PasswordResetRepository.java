package city.onestop.citizen.identity;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** SQL for password-reset codes: one open code per citizen, attempts bounded and use-once by conditional UPDATEs. */
@Repository
class PasswordResetRepository {

    record Attempt(UUID id, UUID citizenId, byte[] codeHash, int attempts, int maxAttempts) {}

    private final DatabaseClient db;

    PasswordResetRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Cancels the citizen's open reset (if any) and opens a new one. */
    Mono<Void> open(UUID id, UUID citizenId, byte[] codeHash, int maxAttempts, Instant now, Instant expiresAt) {
        return db.sql("UPDATE citizen_password_reset SET cancelled_at = :now WHERE citizen_id = :c AND used_at IS NULL "
                        + "AND cancelled_at IS NULL")
                .bind("now", utc(now))
                .bind("c", citizenId)
                .then()
                .then(db.sql("""
                                INSERT INTO citizen_password_reset (id, citizen_id, code_hash, attempts, max_attempts, created_at, expires_at)
                                VALUES (:id, :c, :hash, 0, :max, :now, :expires)""")
                        .bind("id", id)
                        .bind("c", citizenId)
                        .bind("hash", codeHash)
                        .bind("max", maxAttempts)
                        .bind("now", utc(now))
                        .bind("expires", utc(expiresAt))
                        .then());
    }

    /** Counts one attempt on the citizen's open, unexpired reset; empty when there is none left to try. */
    Mono<Attempt> countAttempt(UUID citizenId, Instant now) {
        return db.sql("""
                        UPDATE citizen_password_reset SET attempts = attempts + 1
                        WHERE citizen_id = :c AND used_at IS NULL AND cancelled_at IS NULL AND expires_at > :now
                          AND attempts < max_attempts
                        RETURNING id, citizen_id, code_hash, attempts, max_attempts""")
                .bind("c", citizenId)
                .bind("now", utc(now))
                .map(r -> new Attempt(r.get("id", UUID.class), r.get("citizen_id", UUID.class), r.get("code_hash", byte[].class),
                        r.get("attempts", Integer.class), r.get("max_attempts", Integer.class)))
                .one();
    }

    /** Spends the code; false when another request spent it first. */
    Mono<Boolean> use(UUID id, Instant now) {
        return db.sql("UPDATE citizen_password_reset SET used_at = :now WHERE id = :id AND used_at IS NULL AND cancelled_at IS NULL")
                .bind("now", utc(now))
                .bind("id", id)
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    Mono<Void> updatePassword(UUID citizenId, String passwordHash) {
        return db.sql("UPDATE citizen SET password_hash = :hash WHERE id = :id")
                .bind("hash", passwordHash)
                .bind("id", citizenId)
                .then();
    }

    /** Revokes every live refresh token of the citizen: all sessions end. */
    Mono<Long> revokeAllSessions(UUID citizenId, Instant now) {
        return db.sql("UPDATE citizen_refresh_token SET revoked_at = :now WHERE citizen_id = :c AND revoked_at IS NULL")
                .bind("now", utc(now))
                .bind("c", citizenId)
                .fetch()
                .rowsUpdated();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
