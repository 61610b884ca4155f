package city.onestop.participation.cases;

import city.onestop.citizen.CitizenDirectory;
import city.onestop.citizen.CitizenRegistered;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Local profile only: the demo staff accounts the citizen module seeds (README, "Demo accounts") become staff of a
 * department when they are registered, recognised by their masked phone as the demo citizen's favourites are: 李四
 * handles the transit operator's cases, 王芳 supervises the city office. So the 12345 walk-through needs no admin.
 */
@Component
@Profile("local")
class DemoStaff {

    private static final Logger log = LoggerFactory.getLogger(DemoStaff.class);

    private record Post(String department, String role) {}

    static final Map<String, Post> BY_MASKED_PHONE = Map.of(
            "138****8001", new Post(Departments.TRANSIT, "HANDLER"),
            "138****8002", new Post(Departments.CITY_OFFICE, "SUPERVISOR"));

    private final CitizenDirectory citizens;
    private final Departments departments;
    private final Clock clock;

    DemoStaff(CitizenDirectory citizens, Departments departments, Clock clock) {
        this.citizens = citizens;
        this.departments = departments;
        this.clock = clock;
    }

    @EventListener
    void onCitizenRegistered(CitizenRegistered event) {
        citizens.findCitizen(event.citizenId())
                .flatMap(c -> {
                    Post post = BY_MASKED_PHONE.get(c.maskedPhone());
                    if (post == null) return Mono.empty();
                    return departments.findByCode(post.department())
                            .flatMap(d -> departments.addStaff(d.id(), c.id(), post.role(), clock.instant())
                                    .doOnNext(added -> log.info("Demo staff {}: {} of {}", c.realName(), post.role(), post.department())));
                })
                .subscribe(null, e -> log.warn("Could not make a demo account department staff", e));
    }
}
