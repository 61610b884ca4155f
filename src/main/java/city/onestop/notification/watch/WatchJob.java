package city.onestop.notification.watch;

import city.onestop.citizen.CitizenContacts;
import city.onestop.notification.Notifications;
import city.onestop.platform.Texts;
import city.onestop.transit.StopBoards;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Tells a watcher when the watched trip is at most {@value #STOPS_AWAY} stops from the stop, once (dedup key per watch),
 * and drops watches whose trip has passed. One instance at a time (transaction-scoped advisory lock). It depends on
 * {@link StopBoards} reporting {@code numberOfStopsAway}, which only a live board does.
 */
@Component
class WatchJob {

    private static final Logger log = LoggerFactory.getLogger(WatchJob.class);
    static final int STOPS_AWAY = 2;
    /** "watches" in ASCII. */
    static final long LOCK = 0x77617463686573L;

    record Run(boolean ran, long notified, long expired) {}

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final WatchStore store;
    private final StopBoards boards;
    private final Notifications notifications;
    private final Clock clock;
    private final Texts texts;
    private final CitizenContacts contacts;

    WatchJob(DatabaseClient db, TransactionalOperator tx, WatchStore store, StopBoards boards,
            Notifications notifications, Clock clock, Texts texts, CitizenContacts contacts) {
        this.texts = texts;
        this.contacts = contacts;
        this.db = db;
        this.tx = tx;
        this.store = store;
        this.boards = boards;
        this.notifications = notifications;
        this.clock = clock;
    }

    Mono<Run> run(Instant now) {
        Mono<Run> work = store.deleteExpired(now).flatMap(expired -> store.pending(now)
                .collectMultimap(WatchStore.Watch::stopId)
                .flatMapMany(byStop -> Flux.fromIterable(byStop.entrySet()))
                .concatMap(this::check)
                .count()
                .map(notified -> new Run(true, notified, expired)));
        return db.sql("SELECT pg_try_advisory_xact_lock(:key) AS locked")
                .bind("key", LOCK)
                .map(row -> Boolean.TRUE.equals(row.get("locked", Boolean.class)))
                .one()
                .flatMap(locked -> locked ? work : Mono.just(new Run(false, 0, 0)))
                .as(tx::transactional);
    }

    /** Emits one element per watch notified at this stop. */
    private Flux<Boolean> check(Map.Entry<String, Collection<WatchStore.Watch>> stop) {
        return boards.nextArrivals(stop.getKey(), 50).flatMapMany(arrivals -> Flux.fromIterable(stop.getValue()).concatMap(w -> {
            var arrival = arrivals.stream().filter(a -> a.tripId().equals(w.tripId())).findFirst().orElse(null);
            if (arrival == null || arrival.numberOfStopsAway() == null || arrival.numberOfStopsAway() > STOPS_AWAY) {
                return Mono.empty();
            }
            int away = arrival.numberOfStopsAway();
            String route = arrival.routeShortName();
            String titleKey = "notification.BUS_APPROACHING.title." + (away == 0 ? "arriving" : "away") + (route == null ? "-unknown" : "");
            return contacts.findContact(w.citizenId()).map(c -> Texts.language(c.language())).defaultIfEmpty(Texts.CHINESE)
                    .flatMap(l -> {
                        String title = texts.text(titleKey, l, route == null ? "" : route, away);
                        String body = arrival.headsign() == null ? texts.text("notification.BUS_APPROACHING.body", l, title)
                                : texts.text("notification.BUS_APPROACHING.body-headsign", l, title, arrival.headsign());
                        return notifications.notify(w.citizenId(), "BUS_APPROACHING", title, body, "bus-near:" + w.id());
                    })
                    .flatMap(stored -> store.markNotified(w.id(), clock.instant()).thenReturn(true));
        }));
    }

    @Scheduled(fixedDelayString = "${onestop.notification.watch-interval:15s}", initialDelayString = "${onestop.notification.initial-delay:1m}")
    void scheduled() {
        run(clock.instant()).subscribe(r -> {
            if (r.notified() > 0) log.info("Watches: {} notified, {} expired", r.notified(), r.expired());
        }, e -> log.error("Watch job failed", e));
    }
}
