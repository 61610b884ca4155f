package city.onestop.citizen.favorites;

import city.onestop.citizen.FavoriteStops;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The {@code citizen_favorite_stops} table. */
@Component
class FavoriteStopStore implements FavoriteStops {

    static final int MAX = 20;

    /** What an add did: stored now, already there, or refused because the citizen has {@link #MAX}. */
    enum Added {
        ADDED,
        ALREADY,
        LIMIT
    }

    record Favorite(String stopId, OffsetDateTime createdAt) {}

    private final DatabaseClient db;
    private final Clock clock;

    FavoriteStopStore(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Mono<List<String>> listFavoriteStops(UUID citizenId) {
        return list(citizenId).map(l -> l.stream().map(Favorite::stopId).toList());
    }

    Mono<List<Favorite>> list(UUID citizenId) {
        return db.sql("SELECT stop_id, created_at FROM citizen_favorite_stops WHERE citizen_id = :c ORDER BY created_at, stop_id")
                .bind("c", citizenId)
                .map(r -> new Favorite(r.get("stop_id", String.class), r.get("created_at", OffsetDateTime.class)))
                .all()
                .collectList();
    }

    /**
     * Adds a favourite. The limit is checked by the insert itself under a per-citizen transaction-scoped advisory lock,
     * so twenty concurrent PUTs of different stops cannot overshoot it (a plain count-then-insert could). Run it in
     * a transaction (the lock is the transaction's): {@link Favorites#add} does.
     */
    Mono<Added> add(UUID citizenId, String stopId) {
        return db.sql("SELECT pg_advisory_xact_lock(hashtextextended('citizen-favorites:' || :c::text, 0))")
                .bind("c", citizenId)
                .fetch()
                .rowsUpdated()
                .then(db.sql("""
                                INSERT INTO citizen_favorite_stops (citizen_id, stop_id, created_at)
                                SELECT :c, :s, :now
                                WHERE (SELECT count(*) FROM citizen_favorite_stops WHERE citizen_id = :c) < :max
                                ON CONFLICT (citizen_id, stop_id) DO NOTHING""")
                        .bind("c", citizenId)
                        .bind("s", stopId)
                        .bind("now", clock.instant().atOffset(ZoneOffset.UTC))
                        .bind("max", MAX)
                        .fetch()
                        .rowsUpdated())
                .flatMap(n -> n == 1 ? Mono.just(Added.ADDED) : db.sql(
                                "SELECT 1 FROM citizen_favorite_stops WHERE citizen_id = :c AND stop_id = :s")
                        .bind("c", citizenId)
                        .bind("s", stopId)
                        .fetch()
                        .first()
                        .map(x -> Added.ALREADY)
                        .defaultIfEmpty(Added.LIMIT));
    }

    Mono<Boolean> remove(UUID citizenId, String stopId) {
        return db.sql("DELETE FROM citizen_favorite_stops WHERE citizen_id = :c AND stop_id = :s")
                .bind("c", citizenId)
                .bind("s", stopId)
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    /** Deletes all the citizen's favourites (erasure). */
    Mono<Void> removeAll(UUID citizenId) {
        return db.sql("DELETE FROM citizen_favorite_stops WHERE citizen_id = :c").bind("c", citizenId).then();
    }
}
