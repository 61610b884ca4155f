package city.onestop.citizen.favorites;

import city.onestop.citizen.PersonalData;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The favourite stops in a citizen's export; deleted on erasure. */
@Component
class FavoritesPersonalData implements PersonalData {

    private final FavoriteStopStore store;

    FavoritesPersonalData(FavoriteStopStore store) {
        this.store = store;
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
        return store.removeAll(citizenId);
    }
}
