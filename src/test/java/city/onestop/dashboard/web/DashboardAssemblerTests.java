package city.onestop.dashboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.dashboard.DashboardProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class DashboardAssemblerTests {

    private static final UUID CITIZEN = UUID.randomUUID();

    private static DashboardSection section(String name, Mono<Map<String, Object>> data) {
        return new DashboardSection() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Mono<Map<String, Object>> load(UUID citizenId) {
                return data;
            }
        };
    }

    @Test
    void servesEverySectionWithStatusOkWhenAllAnswer() {
        var assembler = new DashboardAssembler(List.of(
                section("a", Mono.just(Map.of("count", 3))),
                section("b", Mono.delay(Duration.ofMillis(200)).thenReturn(Map.of("x", "y")))),
                new DashboardProperties(null, null));
        StepVerifier.withVirtualTime(() -> assembler.assemble(CITIZEN))
                .thenAwait(Duration.ofMillis(200))
                .assertNext(m -> {
                    assertThat(m).containsOnlyKeys("a", "b");
                    assertThat(m.get("a")).isEqualTo(Map.of("status", "OK", "count", 3));
                    assertThat(m.get("b")).isEqualTo(Map.of("status", "OK", "x", "y"));
                })
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void showsASlowSectionAsUnavailableAfterItsTimeoutWhileServingTheOthers() {
        var assembler = new DashboardAssembler(List.of(
                section("fast", Mono.just(Map.of("count", 1))),
                section("slow", Mono.delay(Duration.ofSeconds(10)).thenReturn(Map.of("late", true)))),
                new DashboardProperties(Duration.ofMillis(300), Duration.ofMillis(500)));
        StepVerifier.withVirtualTime(() -> assembler.assemble(CITIZEN))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(299))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(m -> {
                    assertThat(m.get("fast")).isEqualTo(Map.of("status", "OK", "count", 1));
                    assertThat(m.get("slow")).isEqualTo(Map.of("status", "UNAVAILABLE", "reason", "TIMEOUT"));
                })
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void showsAFailedSectionAsUnavailableWithoutItsErrorMessage() {
        var assembler = new DashboardAssembler(List.of(
                section("broken", Mono.error(new IllegalStateException("SELECT * FROM secret"))),
                section("fine", Mono.just(Map.of("n", 2)))),
                new DashboardProperties(null, null));
        StepVerifier.create(assembler.assemble(CITIZEN))
                .assertNext(m -> {
                    assertThat(m.get("broken")).isEqualTo(Map.of("status", "UNAVAILABLE", "reason", "ERROR"));
                    assertThat(m.get("fine")).isEqualTo(Map.of("status", "OK", "n", 2));
                })
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void neverGivesASectionMoreThanTheWholeBudget() {
        var assembler = new DashboardAssembler(List.of(section("slow", Mono.never())),
                new DashboardProperties(Duration.ofSeconds(2), Duration.ofMillis(500)));
        StepVerifier.withVirtualTime(() -> assembler.assemble(CITIZEN))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(499))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(m -> assertThat(m.get("slow")).isEqualTo(Map.of("status", "UNAVAILABLE", "reason", "TIMEOUT")))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }
}
