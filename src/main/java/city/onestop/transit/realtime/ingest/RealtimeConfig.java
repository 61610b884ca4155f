package city.onestop.transit.realtime.ingest;

import city.onestop.platform.PublicPaths;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

@Configuration(proxyBeanMethods = false)
class RealtimeConfig {

    @Bean
    PublicPaths realtimePublicPaths() {
        return PublicPaths.get("/api/v1/transit/feeds/*/status", "/api/v1/transit/vehicles", "/api/v1/transit/alerts",
                "/api/v1/transit/routes/*/vehicles", "/api/v1/demo/gtfs-rt/**");
    }

    @Bean
    RealtimeInstance realtimeInstance() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        byte[] suffix = new byte[4];
        ThreadLocalRandom.current().nextBytes(suffix);
        return new RealtimeInstance(host + "-" + HexFormat.of().formatHex(suffix));
    }

    @Bean
    GtfsRealtimeDecoder gtfsRealtimeDecoder() {
        return new GtfsRealtimeDecoder();
    }

    /** Per-URL breakers, tuned for a poll every few seconds: the library default waits for 100 calls. */
    @Bean
    CircuitBreakerRegistry realtimeCircuitBreakers(LiveFeedProperties properties, MeterRegistry meters) {
        LiveFeedProperties.Realtime r = properties.realtime();
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(r.breakerWindow())
                .minimumNumberOfCalls(r.breakerMinimumCalls())
                .failureRateThreshold(50)
                .waitDurationInOpenState(r.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        return registry;
    }

    @Bean
    FeedFetcher feedFetcher(LiveFeedProperties properties, CircuitBreakerRegistry realtimeCircuitBreakers) {
        LiveFeedProperties.Realtime r = properties.realtime();
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(r.requestTimeout().toMillis(), 10_000))
                .responseTimeout(r.requestTimeout())
                .compress(true);
        WebClient web = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http))
                .defaultHeader("Accept", "application/x-protobuf, application/octet-stream, */*")
                .defaultHeader("User-Agent", "OneStop GTFS-realtime poller")
                .build();
        return new FeedFetcher(web, realtimeCircuitBreakers, r);
    }
}
