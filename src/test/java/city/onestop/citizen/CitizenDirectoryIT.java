package city.onestop.citizen;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.citizen.TestCitizens.Registered;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.event.ApplicationEventMulticaster;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.test.StepVerifier;

@IntegrationTest
class CitizenDirectoryIT {

    @Autowired
    WebTestClient web;

    @Autowired
    CitizenDirectory directory;

    @Autowired
    ApplicationEventMulticaster multicaster;

    @Test
    void findsARegisteredCitizenWithPhoneMasked() {
        Registered c = TestCitizens.register(web);
        String masked = c.phone().substring(0, 3) + "****" + c.phone().substring(7);
        directory.findCitizen(UUID.fromString(c.id()))
                .as(StepVerifier::create)
                .expectNext(new CitizenSummary(UUID.fromString(c.id()), "测试 市民", masked))
                .expectComplete()
                .verify(TestCitizens.timeout());
    }

    @Test
    void isEmptyForAnUnknownId() {
        directory.findCitizen(UUID.randomUUID()).as(StepVerifier::create).expectComplete().verify(TestCitizens.timeout());
    }

    @Test
    void announcesEachRegistration() {
        List<CitizenRegistered> seen = new CopyOnWriteArrayList<>();
        ApplicationListener<PayloadApplicationEvent<?>> listener = e -> {
            if (e.getPayload() instanceof CitizenRegistered r) {
                seen.add(r);
            }
        };
        multicaster.addApplicationListener(listener);
        try {
            Registered c = TestCitizens.register(web);
            assertThat(seen).extracting(CitizenRegistered::citizenId).contains(UUID.fromString(c.id()));
        } finally {
            multicaster.removeApplicationListener(listener);
        }
    }
}
