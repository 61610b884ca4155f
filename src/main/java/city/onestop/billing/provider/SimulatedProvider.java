package city.onestop.billing.provider;

import city.onestop.platform.PublicPaths;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A payment provider simulated inside the app for the {@code local} profile, on real HTTP endpoints, so
 * {@code spring-boot:run} pays a bill end to end. {@code onestop.billing.simulated-provider.mode}: APPROVE
 * (default), DECLINE, PENDING (settles as paid after {@code settle-after}), TIMEOUT (charges, but answers only
 * after {@code timeout-delay}, longer than the client waits), ERROR (HTTP 500 without charging);
 * {@code latency} delays every answer. Like a real provider it charges a merchant reference at most once.
 */
@Hidden
@RestController
@RequestMapping(ProviderEndpoint.SIMULATED_PATH)
@Profile("local")
@ConditionalOnProperty(name = "onestop.billing.simulated-provider.enabled", havingValue = "true", matchIfMissing = true)
class SimulatedProvider {

    @ConfigurationProperties("onestop.billing.simulated-provider")
    record Settings(String mode, Duration latency, Duration settleAfter, Duration timeoutDelay) {
        Settings {
            mode = mode == null ? "APPROVE" : mode;
            latency = latency == null ? Duration.ZERO : latency;
            settleAfter = settleAfter == null ? Duration.ofSeconds(5) : settleAfter;
            timeoutDelay = timeoutDelay == null ? Duration.ofSeconds(10) : timeoutDelay;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Profile("local")
    @ConditionalOnProperty(name = "onestop.billing.simulated-provider.enabled", havingValue = "true", matchIfMissing = true)
    static class Config {
        /** The app calls its simulated provider without a citizen token, like it would call a real one. */
        @Bean
        PublicPaths simulatedProviderPaths() {
            return PublicPaths.any(ProviderEndpoint.SIMULATED_PATH + "/**");
        }
    }

    record Charge(String merchantReference, Long amountFen, String currency, String channel, String callbackUrl) {}

    record Refund(String merchantReference, String refundReference, Long amountFen) {}

    private record Stored(String providerReference, String merchantReference, String status, long amountFen, String currency,
            Instant createdAt) {}

    private final Settings settings;
    private final Clock clock;
    private final Map<String, Stored> payments = new ConcurrentHashMap<>();
    private final Map<String, Long> refunds = new ConcurrentHashMap<>();
    private final AtomicLong charges = new AtomicLong();

    SimulatedProvider(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @PostMapping("/payments")
    Mono<ResponseEntity<Map<String, Object>>> charge(@RequestBody Charge charge) {
        if (charge.merchantReference() == null || charge.amountFen() == null || charge.amountFen() <= 0) {
            return delayed(ResponseEntity.badRequest().body(Map.of("error", "merchantReference and a positive amountFen are required")));
        }
        String mode = settings.mode();
        if ("ERROR".equals(mode)) {
            return delayed(ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(Map.of("error", "simulated failure")));
        }
        String status = switch (mode) {
            case "DECLINE" -> "DECLINED";
            case "PENDING" -> "PENDING";
            default -> "SUCCEEDED";
        };
        Stored stored = payments.computeIfAbsent(charge.merchantReference(), ref -> {
            charges.incrementAndGet();
            return new Stored("sim_" + UUID.randomUUID().toString().replace("-", ""), ref, status, charge.amountFen(),
                    charge.currency() == null ? "CNY" : charge.currency(), clock.instant());
        });
        ResponseEntity<Map<String, Object>> answer = ResponseEntity.ok(wire(stored));
        if ("TIMEOUT".equals(mode)) {
            return Mono.just(answer).delayElement(settings.timeoutDelay());
        }
        return delayed(answer);
    }

    @GetMapping("/payments/{merchantReference}")
    Mono<ResponseEntity<Map<String, Object>>> find(@PathVariable String merchantReference) {
        Stored stored = payments.get(merchantReference);
        if (stored == null) {
            return delayed(ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "unknown merchantReference")));
        }
        if ("PENDING".equals(stored.status()) && clock.instant().isAfter(stored.createdAt().plus(settings.settleAfter()))) {
            stored = new Stored(stored.providerReference(), stored.merchantReference(), "SUCCEEDED", stored.amountFen(),
                    stored.currency(), stored.createdAt());
            payments.put(merchantReference, stored);
        }
        return delayed(ResponseEntity.ok(wire(stored)));
    }

    @PostMapping("/refunds")
    Mono<ResponseEntity<Map<String, Object>>> refund(@RequestBody Refund refund) {
        if (refund.merchantReference() == null || !payments.containsKey(refund.merchantReference()) || refund.amountFen() == null) {
            return delayed(ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "unknown merchantReference")));
        }
        refunds.putIfAbsent(String.valueOf(refund.refundReference()), refund.amountFen());
        return delayed(ResponseEntity.ok(Map.of("refundReference", String.valueOf(refund.refundReference()), "status", "SUCCEEDED")));
    }

    /** How many distinct charges were made (for the benchmark's sanity check). */
    @GetMapping("/stats")
    Map<String, Object> stats() {
        return Map.of("charges", charges.get(), "refunds", refunds.size());
    }

    private static Map<String, Object> wire(Stored s) {
        return Map.of("providerReference", s.providerReference(), "merchantReference", s.merchantReference(), "status", s.status(),
                "amountFen", s.amountFen(), "currency", s.currency());
    }

    private <T> Mono<T> delayed(T value) {
        return settings.latency().isZero() ? Mono.just(value) : Mono.just(value).delayElement(settings.latency());
    }
}
