package city.onestop.citizen.favorites;

import city.onestop.citizen.CitizenDirectory;
import city.onestop.citizen.CitizenRegistered;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Local profile only: the demo citizen starts with a favourite stop of the demo city, so the dashboard shows live
 * arrivals on the first call. The demo citizen is recognised by its masked phone when the citizen module announces it.
 */
@Component
@Profile("local")
class DemoFavorites {

    private static final Logger log = LoggerFactory.getLogger(DemoFavorites.class);
    static final String DEMO_PHONE_MASKED = "138****8000";
    /** A stop of the demo city's busiest line (route 1, with moving buses). */
    static final String DEMO_STOP = "demo:E5";

    private final FavoriteStopStore favorites;
    private final CitizenDirectory citizens;

    DemoFavorites(FavoriteStopStore favorites, CitizenDirectory citizens) {
        this.favorites = favorites;
        this.citizens = citizens;
    }

    @EventListener
    void onCitizenRegistered(CitizenRegistered event) {
        citizens.findCitizen(event.citizenId())
                .filter(c -> DEMO_PHONE_MASKED.equals(c.maskedPhone()))
                .flatMap(c -> favorites.add(c.id(), DEMO_STOP))
                .subscribe(added -> log.info("Demo citizen's favourite stop: {}", DEMO_STOP),
                        e -> log.warn("Could not seed the demo citizen's favourite stop", e));
    }
}
