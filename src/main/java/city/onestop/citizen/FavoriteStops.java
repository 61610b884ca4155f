package city.onestop.citizen;

import java.util.List;
import java.util.UUID;
import reactor.core.publisher.Mono;

/** A citizen's favourite transit stops, for other modules (the dashboard, watches). */
public interface FavoriteStops {

    /** The citizen's favourite stop ids ({@code feedId:gtfsStopId}), oldest first. */
    Mono<List<String>> listFavoriteStops(UUID citizenId);
}
