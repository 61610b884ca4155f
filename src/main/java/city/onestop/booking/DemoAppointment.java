package city.onestop.booking;

import city.onestop.citizen.CitizenDirectory;
import city.onestop.citizen.CitizenRegistered;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Local profile only: the demo citizen starts with an upcoming appointment (the first free, released slot from
 * tomorrow on), booked through the normal booking path with a fixed Idempotency-Key, so the dashboard shows it.
 */
@Component
@Profile("local")
class DemoAppointment {

    private static final Logger log = LoggerFactory.getLogger(DemoAppointment.class);
    static final String DEMO_PHONE_MASKED = "138****8000";

    private final Bookings bookings;
    private final CitizenDirectory citizens;
    private final DemoDataRepository db;
    private final Clock clock;

    DemoAppointment(Bookings bookings, CitizenDirectory citizens, DemoDataRepository db, Clock clock) {
        this.bookings = bookings;
        this.citizens = citizens;
        this.db = db;
        this.clock = clock;
    }

    @EventListener
    void onCitizenRegistered(CitizenRegistered event) {
        OffsetDateTime tomorrow = OffsetDateTime.now(clock).plusDays(1);
        citizens.findCitizen(event.citizenId())
                .filter(c -> DEMO_PHONE_MASKED.equals(c.maskedPhone()))
                .flatMap(c -> db.findFirstFreeReleasedSlot(tomorrow, OffsetDateTime.now(clock))
                        // The demo hospitals are seeded at start too, maybe a moment after the demo citizen.
                        .switchIfEmpty(Mono.error(() -> new IllegalStateException("no free released slot yet")))
                        .retryWhen(Retry.fixedDelay(15, Duration.ofSeconds(2)))
                        .flatMap(slot -> bookings.book(c.id(), "demo-appointment-" + c.id(),
                                new Bookings.BookRequest(slot, null, null))))
                .subscribe(response -> log.info("Demo citizen's appointment booked ({})", response.getStatusCode()),
                        e -> log.warn("Could not book the demo citizen's appointment", e));
    }
}
