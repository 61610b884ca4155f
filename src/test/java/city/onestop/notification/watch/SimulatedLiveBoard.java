package city.onestop.notification.watch;

import city.onestop.transit.StopBoards;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Test-only stand-in for the live board that transit's realtime work will provide: wraps the real (schedule-only)
 * {@link StopBoards} and, for a trip id a test registers, reports {@code numberOfStopsAway}. Every other trip is
 * passed through untouched, so the shared test context is unchanged for other tests.
 */
@Component
class SimulatedLiveBoard implements BeanPostProcessor {

    private static final Map<String, Integer> STOPS_AWAY = new ConcurrentHashMap<>();

    static void stopsAway(String tripId, int stops) {
        STOPS_AWAY.put(tripId, stops);
    }

    static void clear(String tripId) {
        STOPS_AWAY.remove(tripId);
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof StopBoards real && !(bean instanceof Wrapper)) {
            return new Wrapper(real);
        }
        return bean;
    }

    private record Wrapper(StopBoards real) implements StopBoards {
        @Override
        public Mono<Boolean> stopExists(String stopId) {
            return real.stopExists(stopId);
        }

        @Override
        public Mono<List<UpcomingArrival>> nextArrivals(String stopId, int limit) {
            return real.nextArrivals(stopId, limit).map(list -> list.stream().map(a -> {
                Integer away = STOPS_AWAY.get(a.tripId());
                return away == null ? a : new UpcomingArrival(a.tripId(), a.routeShortName(), a.headsign(), a.scheduledArrival(),
                        a.scheduledArrival(), ArrivalStatus.PREDICTED, away);
            }).toList());
        }

        @Override
        public Mono<List<StopAlert>> activeAlerts(String stopId, String language) {
            return real.activeAlerts(stopId, language);
        }
    }
}
