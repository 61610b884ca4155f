package city.onestop.dashboard;

import city.onestop.billing.BillingSummaries;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Test-only: wraps the real {@link BillingSummaries} so that a test can make billing slow or failing for ONE citizen it
 * created. Every other citizen goes straight to the real implementation, so the shared test context is unchanged for
 * all other tests. Production code has no delay or fault switch: the fault is outside billing, like a slow database.
 */
@Component
class FaultyBillingSummaries implements BeanPostProcessor {

    private static final Map<UUID, Mono<List<BillingSummaries.UnpaidBill>>> FAULTS = new ConcurrentHashMap<>();

    static void slowFor(UUID citizenId, Duration delay) {
        FAULTS.put(citizenId, Mono.delay(delay).thenReturn(List.of()));
    }

    static void failingFor(UUID citizenId) {
        FAULTS.put(citizenId, Mono.error(new IllegalStateException("billing database unreachable (test fault)")));
    }

    static void clear(UUID citizenId) {
        FAULTS.remove(citizenId);
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof BillingSummaries real && !(bean instanceof Wrapper)) {
            return new Wrapper(real);
        }
        return bean;
    }

    private record Wrapper(BillingSummaries real) implements BillingSummaries {
        @Override
        public Mono<List<UnpaidBill>> unpaidBills(UUID citizenId, int limit) {
            var fault = FAULTS.get(citizenId);
            return fault != null ? fault : real.unpaidBills(citizenId, limit);
        }

        @Override
        public reactor.core.publisher.Flux<DueBill> findBillsDueBetween(java.time.LocalDate from, java.time.LocalDate to) {
            return real.findBillsDueBetween(from, to);
        }
    }
}
