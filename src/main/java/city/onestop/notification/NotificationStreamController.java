package city.onestop.notification;

import city.onestop.platform.CurrentUser;
import city.onestop.platform.ProblemException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The live stream of a citizen's notifications (SSE). Event ids are the notifications' stream positions
 * ({@code notifications.seq}); a reconnect with {@code Last-Event-ID} first replays everything after it from
 * PostgreSQL. New ones arrive when any instance announces them on Redis; each heartbeat also re-reads, so a lost
 * Redis message only delays a notification by one heartbeat.
 */
@RestController
@Tag(name = "Notifications", description = "My stored notifications")
class NotificationStreamController {

    private static final int BATCH = 100;

    private final NotificationStore store;
    private final NotificationHub hub;
    private final Duration heartbeat;

    NotificationStreamController(NotificationStore store, NotificationHub hub,
            @Value("${onestop.notification.heartbeat:15s}") Duration heartbeat) {
        this.store = store;
        this.hub = hub;
        this.heartbeat = heartbeat;
    }

    record Item(UUID id, String type, String title, String body, String createdAt) {}

    @GetMapping(path = "/api/v1/me/notifications/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(operationId = "streamMyNotifications", summary = "Live stream (SSE) of my new notifications; send Last-Event-ID to "
            + "receive those missed since that event; a comment heartbeat every 15 s")
    Flux<ServerSentEvent<Item>> stream(@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId) {
        Long from;
        try {
            from = lastEventId == null || lastEventId.isBlank() ? null : Long.parseLong(lastEventId.trim());
        } catch (NumberFormatException e) {
            return Flux.error(ProblemException.badRequest("INVALID_LAST_EVENT_ID", "Last-Event-ID must be an event id this stream sent"));
        }
        if (from != null && from < 0) {
            return Flux.error(ProblemException.badRequest("INVALID_LAST_EVENT_ID", "Last-Event-ID must be an event id this stream sent"));
        }
        return CurrentUser.get().flatMapMany(user -> stream(user.id(), from));
    }

    private Flux<ServerSentEvent<Item>> stream(UUID citizen, @Nullable Long from) {
        return Flux.defer(() -> {
            // Per-connection position: read and written only inside the concatMap below, one batch at a time.
            AtomicLong position = new AtomicLong();
            // The first read is the merge's last source: it runs once the Redis signals are subscribed, so a
            // notification committed before it is read there, and one committed after it is announced to us.
            Flux<Boolean> triggers = Flux.merge(
                            hub.signals(citizen).map(s -> true),
                            Flux.interval(heartbeat, heartbeat).map(t -> false),
                            Mono.just(true))
                    .onBackpressureLatest();
            Mono<Long> start = from != null ? Mono.just(from) : store.lastSeq(citizen);
            return start.flatMapMany(initial -> {
                position.set(initial);
                // Sent at once so the client sees the stream open (headers and a first line) without waiting a heartbeat.
                Mono<ServerSentEvent<Item>> opened = Mono.just(ServerSentEvent.<Item>builder().comment("connected").build());
                return Flux.concat(opened, triggers.concatMap(signal -> {
                    Flux<ServerSentEvent<Item>> fresh = store.after(citizen, position.get(), BATCH)
                            .doOnNext(s -> position.set(s.seq()))
                            .map(s -> ServerSentEvent.builder(new Item(s.notification().id(), s.notification().type(),
                                            s.notification().title(), s.notification().body(), s.notification().createdAt()))
                                    .id(Long.toString(s.seq()))
                                    .event("notification")
                                    .build());
                    return signal ? fresh : fresh.concatWith(Mono.just(ServerSentEvent.<Item>builder().comment("heartbeat").build()));
                }, 1));
            });
        });
    }
}
