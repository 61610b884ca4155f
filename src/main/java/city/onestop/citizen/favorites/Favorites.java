package city.onestop.citizen.favorites;

import city.onestop.citizen.identity.CitizenError;
import city.onestop.transit.StopBoards;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The citizen's favourite stops: the use case behind {@code /api/v1/me/favorites/stops}. It owns the transaction of
 * an add (the store's advisory lock and conditional insert) and refuses with {@link CitizenError}s.
 */
@Service
class Favorites {

    /** A favourite as it was stored, and whether this call stored it. */
    record Added(FavoriteStopStore.Favorite favorite, boolean created) {}

    private final FavoriteStopStore store;
    private final StopBoards boards;
    private final TransactionalOperator tx;

    Favorites(FavoriteStopStore store, StopBoards boards, TransactionalOperator tx) {
        this.store = store;
        this.boards = boards;
        this.tx = tx;
    }

    /** My favourites, oldest first (at most {@link FavoriteStopStore#MAX}). */
    Mono<List<FavoriteStopStore.Favorite>> list(UUID citizenId) {
        return store.list(citizenId);
    }

    /** Adds a known stop; {@code created} is false when it was already a favourite. */
    Mono<Added> add(UUID citizenId, String stopId) {
        if (stopId.length() > 200) {
            return Mono.error(new CitizenError.InvalidStopId());
        }
        return boards.stopExists(stopId)
                .flatMap(exists -> exists
                        ? store.add(citizenId, stopId).as(tx::transactional)
                        : Mono.error(new CitizenError.NotFound("Stop", stopId)))
                .flatMap(added -> switch (added) {
                    case LIMIT -> Mono.error(new CitizenError.FavoritesLimit(FavoriteStopStore.MAX));
                    case ADDED, ALREADY -> store.list(citizenId).map(l -> new Added(
                            l.stream().filter(x -> x.stopId().equals(stopId)).findFirst().orElseThrow(),
                            added == FavoriteStopStore.Added.ADDED));
                });
    }

    /** Removes a favourite; {@code NOT_FOUND} when it is not one. */
    Mono<Void> remove(UUID citizenId, String stopId) {
        return store.remove(citizenId, stopId)
                .flatMap(removed -> removed ? Mono.<Void>empty() : Mono.error(new CitizenError.NotFound("Favourite stop", stopId)));
    }
}
