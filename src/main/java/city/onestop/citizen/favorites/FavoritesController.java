package city.onestop.citizen.favorites;

import city.onestop.platform.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/me/favorites/stops")
@Tag(name = "Favourites", description = "My favourite transit stops")
class FavoritesController {

    private final Favorites favorites;

    FavoritesController(Favorites favorites) {
        this.favorites = favorites;
    }

    record FavoriteStop(String stopId, OffsetDateTime addedAt) {}

    record FavoriteStopList(List<FavoriteStop> items) {}

    @GetMapping
    @Operation(operationId = "listFavoriteStops", summary = "My favourite stops, oldest first (at most 20, so not paginated)")
    Mono<FavoriteStopList> list() {
        return CurrentUser.get().flatMap(u -> favorites.list(u.id()))
                .map(l -> new FavoriteStopList(l.stream().map(f -> new FavoriteStop(f.stopId(), f.createdAt())).toList()));
    }

    @PutMapping("/{stopId}")
    @Operation(operationId = "addFavoriteStop", summary = "Add a stop to my favourites: 201 when added, 200 when already there; 404 unknown stop, 409 FAVORITES_LIMIT at 20")
    Mono<ResponseEntity<FavoriteStop>> add(@PathVariable String stopId) {
        return CurrentUser.get().flatMap(u -> favorites.add(u.id(), stopId))
                .map(added -> ResponseEntity.status(added.created() ? HttpStatus.CREATED : HttpStatus.OK)
                        .body(new FavoriteStop(added.favorite().stopId(), added.favorite().createdAt())));
    }

    @DeleteMapping("/{stopId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "removeFavoriteStop", summary = "Remove a stop from my favourites (404 when it is not one)")
    Mono<Void> remove(@PathVariable String stopId) {
        return CurrentUser.get().flatMap(u -> favorites.remove(u.id(), stopId));
    }
}
