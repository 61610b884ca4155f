package city.onestop.transit.web;

import city.onestop.platform.PreparedRead;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The four hot public reads (a stop, nearby stops, departures, the arrivals board) answered from the bytes their
 * controllers prepared, ahead of the security chain and the annotated handler lookup (platform {@link PreparedRead}).
 * Each delegates to its controller, so both ways answer the same bytes; the controllers stay the documented routes
 * and answer everything a prepared read leaves to them.
 */
@Configuration(proxyBeanMethods = false)
class PreparedTransitReads {

    @Bean
    PreparedRead preparedStop(TransitController transit) {
        return read("/api/v1/transit/stops/{stopId}", (exchange, variables) -> transit.preparedStop(variables.get("stopId")),
                (exchange, variables) -> transit.readyStop(variables.get("stopId")));
    }

    @Bean
    PreparedRead preparedNearbyStops(TransitController transit) {
        return read("/api/v1/transit/stops", (exchange, variables) -> transit.preparedNearby(PreparedParams.query(exchange.getRequest())),
                (exchange, variables) -> transit.readyNearby(PreparedParams.query(exchange.getRequest())));
    }

    @Bean
    PreparedRead preparedDepartures(TransitController transit) {
        return read("/api/v1/transit/stops/{stopId}/departures", (exchange, variables) ->
                transit.preparedDepartures(variables.get("stopId"), PreparedParams.query(exchange.getRequest())),
                (exchange, variables) -> transit.readyDepartures(variables.get("stopId"), PreparedParams.query(exchange.getRequest())));
    }

    @Bean
    PreparedRead preparedArrivals(ArrivalController arrivals) {
        return read("/api/v1/transit/stops/{stopId}/arrivals", (exchange, variables) -> arrivals.preparedArrivals(
                variables.get("stopId"), PreparedParams.query(exchange.getRequest()), exchange.getRequest().getHeaders()),
                (exchange, variables) -> arrivals.readyArrivals(
                        variables.get("stopId"), PreparedParams.query(exchange.getRequest()), exchange.getRequest().getHeaders()));
    }

    private interface Answering {
        Mono<PreparedRead.Answer> answer(ServerWebExchange exchange, Map<String, String> variables);
    }

    /** The answer if its bytes are ready (no Mono on the hot path), else null: {@link Answering} decides. */
    private interface Ready {
        PreparedRead.@Nullable Answer answer(ServerWebExchange exchange, Map<String, String> variables);
    }

    private static PreparedRead read(String pattern, Answering answering, Ready ready) {
        return new PreparedRead() {
            @Override
            public String pattern() {
                return pattern;
            }

            @Override
            public Mono<Answer> answer(ServerWebExchange exchange, Map<String, String> variables) {
                return answering.answer(exchange, variables);
            }

            @Override
            public @Nullable Answer ready(ServerWebExchange exchange, Map<String, String> variables) {
                return ready.answer(exchange, variables);
            }
        };
    }
}
