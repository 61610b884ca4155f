package city.onestop.citizen.favorites;

import city.onestop.citizen.PersonalData;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The favourite stops in a citizen's export; deleted on erasure. */
@Component
class FavoritesPersonalData implements PersonalData {

    private final FavoriteStopStore store;
    private final DatabaseClient db;

    FavoritesPersonalData(FavoriteStopStore store, DatabaseClient db) {
        this.store = store;
        this.db = db;
    }

    @Override
    public String section() {
        return "favoriteStops";
    }

    @Override
    public Mono<Object> export(UUID citizenId) {
        return store.list(citizenId).map(list -> (Object) list);
    }

    @Override
    public Mono<Void> erase(UUID citizenId) {
        return db.sql("DELETE FROM citizen_favorite_stops WHERE citizen_id = :c").bind("c", citizenId).then();
    }
}
