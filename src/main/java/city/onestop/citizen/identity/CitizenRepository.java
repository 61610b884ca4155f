package city.onestop.citizen.identity;

import city.onestop.platform.Role;
import io.r2dbc.postgresql.api.PostgresqlException;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** SQL for citizens and their roles. Uniqueness (phone, ID number) is the database's job, not a read-then-write. */
@Repository
class CitizenRepository {

    record Row(UUID id, String phone, String passwordHash, String realName, String idNumberMasked, Instant createdAt) {}

    record Credentials(UUID id, String passwordHash) {}

    private final DatabaseClient db;

    CitizenRepository(DatabaseClient db) {
        this.db = db;
    }

    /**
     * Inserts the citizen with its initial roles in one statement; {@link CitizenError.PhoneTaken} or
     * {@link CitizenError.IdNumberTaken} on a duplicate (the unique constraints decide, not a read before).
     */
    Mono<Void> insert(UUID id, String phone, String passwordHash, String realName, byte[] idCipher, byte[] idHash,
            String idMasked, Set<Role> roles, Instant now) {
        var spec = db.sql("""
                        WITH c AS (
                          INSERT INTO citizen (id, phone, password_hash, real_name, id_number_cipher, id_number_hash,
                                               id_number_masked, created_at)
                          VALUES (:id, :phone, :hash, :name, :cipher, :fingerprint, :masked, :now)
                          RETURNING id, created_at)
                        INSERT INTO citizen_role (citizen_id, role, granted_at)
                        SELECT c.id, r, c.created_at FROM c, unnest(CAST(:roles AS text[])) AS r
                        """)
                .bind("id", id)
                .bind("phone", phone)
                .bind("hash", passwordHash)
                .bind("name", realName)
                .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .bind("roles", names(roles));
        spec = idCipher == null ? spec.bindNull("cipher", byte[].class) : spec.bind("cipher", idCipher);
        spec = idHash == null ? spec.bindNull("fingerprint", byte[].class) : spec.bind("fingerprint", idHash);
        spec = idMasked == null ? spec.bindNull("masked", String.class) : spec.bind("masked", idMasked);
        return spec.then().onErrorMap(DataIntegrityViolationException.class, CitizenRepository::duplicate);
    }

    private static Throwable duplicate(DataIntegrityViolationException e) {
        String constraint = constraintName(e);
        if (constraint.contains("citizen_phone_key")) {
            return new CitizenError.PhoneTaken();
        }
        if (constraint.contains("citizen_id_number_hash_key")) {
            return new CitizenError.IdNumberTaken();
        }
        return e;
    }

    private static String constraintName(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PostgresqlException pg && pg.getErrorDetails().getConstraintName().isPresent()) {
                return pg.getErrorDetails().getConstraintName().get();
            }
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * Creates the account unless the phone (or ID number) is taken; returns the id of the account with that phone
     * either way, after making sure it holds {@code roles}.
     */
    Mono<UUID> ensure(UUID newId, String phone, String passwordHash, String realName, byte[] idCipher, byte[] idHash,
            String idMasked, Set<Role> roles, Instant now) {
        var spec = db.sql("""
                        INSERT INTO citizen (id, phone, password_hash, real_name, id_number_cipher, id_number_hash,
                                             id_number_masked, created_at)
                        VALUES (:id, :phone, :hash, :name, :cipher, :fingerprint, :masked, :now)
                        ON CONFLICT DO NOTHING
                        """)
                .bind("id", newId)
                .bind("phone", phone)
                .bind("hash", passwordHash)
                .bind("name", realName)
                .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
        spec = idCipher == null ? spec.bindNull("cipher", byte[].class) : spec.bind("cipher", idCipher);
        spec = idHash == null ? spec.bindNull("fingerprint", byte[].class) : spec.bind("fingerprint", idHash);
        spec = idMasked == null ? spec.bindNull("masked", String.class) : spec.bind("masked", idMasked);
        return spec.then()
                .then(findCredentials(phone))
                .flatMap(c -> grant(c.id(), roles, now).thenReturn(c.id()));
    }

    Mono<Row> find(UUID id) {
        return db.sql("SELECT id, phone, password_hash, real_name, id_number_masked, created_at FROM citizen WHERE id = :id")
                .bind("id", id)
                .map(CitizenRepository::row)
                .one();
    }

    Mono<byte[]> findIdFingerprint(UUID id) {
        return db.sql("SELECT id_number_hash FROM citizen WHERE id = :id AND id_number_hash IS NOT NULL")
                .bind("id", id)
                .map(r -> r.get("id_number_hash", byte[].class))
                .one();
    }

    Mono<Row> findByIdFingerprint(byte[] fingerprint) {
        return db.sql("SELECT id, phone, password_hash, real_name, id_number_masked, created_at FROM citizen "
                        + "WHERE id_number_hash = :fingerprint")
                .bind("fingerprint", fingerprint)
                .map(CitizenRepository::row)
                .one();
    }

    Mono<Credentials> findCredentials(String phone) {
        return db.sql("SELECT id, password_hash FROM citizen WHERE phone = :phone")
                .bind("phone", phone)
                .map(r -> new Credentials(r.get("id", UUID.class), r.get("password_hash", String.class)))
                .one();
    }

    Mono<Set<Role>> roles(UUID id) {
        return db.sql("SELECT role FROM citizen_role WHERE citizen_id = :id")
                .bind("id", id)
                .map(r -> Role.valueOf(r.get("role", String.class)))
                .all()
                .collect(() -> EnumSet.noneOf(Role.class), Set::add)
                .map(Set::copyOf);
    }

    Mono<Void> grant(UUID id, Set<Role> roles, Instant now) {
        return db.sql("""
                        INSERT INTO citizen_role (citizen_id, role, granted_at)
                        SELECT :id, r, :now FROM unnest(CAST(:roles AS text[])) AS r
                        ON CONFLICT DO NOTHING
                        """)
                .bind("id", id)
                .bind("roles", names(roles))
                .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .then();
    }

    /** Makes {@code roles} exactly the citizen's roles, in one statement; false when there is no such citizen. */
    Mono<Boolean> replaceRoles(UUID id, Set<Role> roles, Instant now) {
        return db.sql("""
                        WITH target AS (SELECT id FROM citizen WHERE id = :id),
                        removed AS (
                          DELETE FROM citizen_role
                          WHERE citizen_id IN (SELECT id FROM target) AND NOT (role = ANY (CAST(:roles AS text[])))),
                        added AS (
                          INSERT INTO citizen_role (citizen_id, role, granted_at)
                          SELECT target.id, r, :now FROM target, unnest(CAST(:roles AS text[])) AS r
                          ON CONFLICT DO NOTHING)
                        SELECT count(*) AS found FROM target
                        """)
                .bind("id", id)
                .bind("roles", names(roles))
                .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .map(r -> r.get("found", Long.class))
                .one()
                .map(found -> found > 0);
    }

    /** Deletes the citizen row (erasure); its sessions and codes go with it (foreign keys). */
    Mono<Void> delete(UUID id) {
        return db.sql("DELETE FROM citizen WHERE id = :id").bind("id", id).then();
    }

    private static String[] names(Set<Role> roles) {
        return roles.stream().map(Role::name).sorted().toArray(String[]::new);
    }

    private static Row row(Readable r) {
        return new Row(
                r.get("id", UUID.class),
                r.get("phone", String.class),
                r.get("password_hash", String.class),
                r.get("real_name", String.class),
                r.get("id_number_masked", String.class),
                r.get("created_at", OffsetDateTime.class).toInstant());
    }
}
