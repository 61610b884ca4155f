package city.onestop.citizen.identity;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Refresh tokens by their SHA-256; "use once" is a conditional UPDATE, so two racing refreshes cannot both win. */
@Repository
class RefreshTokenRepository {

    record Use(UUID citizenId, UUID familyId) {}

    record Known(UUID citizenId, UUID familyId, boolean revoked) {}

    private final DatabaseClient db;

    RefreshTokenRepository(DatabaseClient db) {
        this.db = db;
    }

    Mono<Void> insert(byte[] hash, UUID citizenId, UUID familyId, Instant issuedAt, Instant expiresAt) {
        return db.sql("""
                        INSERT INTO citizen_refresh_token (token_hash, citizen_id, family_id, issued_at, expires_at)
                        VALUES (:hash, :citizen, :family, :issued, :expires)
                        """)
                .bind("hash", hash)
                .bind("citizen", citizenId)
                .bind("family", familyId)
                .bind("issued", at(issuedAt))
                .bind("expires", at(expiresAt))
                .then();
    }

    /** Revokes the token if it is live, returning whose it was; empty when it is unknown, expired or already used. */
    Mono<Use> consume(byte[] hash, Instant now) {
        return db.sql("""
                        UPDATE citizen_refresh_token SET revoked_at = :now
                        WHERE token_hash = :hash AND revoked_at IS NULL AND expires_at > :now
                        RETURNING citizen_id, family_id
                        """)
                .bind("hash", hash)
                .bind("now", at(now))
                .map(r -> new Use(r.get("citizen_id", UUID.class), r.get("family_id", UUID.class)))
                .one();
    }

    Mono<Known> find(byte[] hash) {
        return db.sql("SELECT citizen_id, family_id, revoked_at FROM citizen_refresh_token WHERE token_hash = :hash")
                .bind("hash", hash)
                .map(r -> new Known(r.get("citizen_id", UUID.class), r.get("family_id", UUID.class), r.get("revoked_at", OffsetDateTime.class) != null))
                .one();
    }

    Mono<Long> revokeFamily(UUID familyId, Instant now) {
        return db.sql("UPDATE citizen_refresh_token SET revoked_at = :now WHERE family_id = :family AND revoked_at IS NULL")
                .bind("family", familyId)
                .bind("now", at(now))
                .fetch()
                .rowsUpdated();
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
