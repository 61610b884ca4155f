package city.onestop.notification;

import city.onestop.platform.CurrentUser;
import city.onestop.platform.Keyset;
import city.onestop.platform.ProblemException;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/me/notifications")
@Tag(name = "Notifications", description = "My stored notifications")
class NotificationController {

    private final NotificationStore store;

    NotificationController(NotificationStore store) {
        this.store = store;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Item(UUID id, String type, String title, String body, String createdAt, String readAt) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ItemPage(List<Item> items, String next) {}

    @GetMapping
    @Operation(operationId = "listMyNotifications", summary = "My notifications, newest first")
    Mono<ItemPage> list(@RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        int pageSize = limit == null ? 20 : Math.min(Math.max(limit, 1), 100);
        Keyset.Position position = Keyset.decode(cursor);
        Instant at = position == null ? null : position.instant();
        UUID after = position == null ? null : position.uuid();
        if (position != null && at == null) {
            throw ProblemException.badRequest("INVALID_CURSOR", "The cursor is not one this API returned");
        }
        Instant beforeAt = at;
        UUID beforeId = after;
        return CurrentUser.get().flatMap(user -> store.list(user.id(), beforeAt, beforeId, pageSize)).map(rows -> {
            List<NotificationStore.Notification> items = rows.size() > pageSize ? rows.subList(0, pageSize) : rows;
            String next = null;
            if (rows.size() > pageSize) {
                NotificationStore.Notification last = items.get(pageSize - 1);
                next = Keyset.encode(last.createdInstant(), last.id());
            }
            return new ItemPage(items.stream().map(n -> new Item(n.id(), n.type(), n.title(), n.body(), n.createdAt(), n.readAt())).toList(), next);
        });
    }

    @PostMapping("/{id}/read")
    @org.springframework.web.bind.annotation.ResponseStatus(org.springframework.http.HttpStatus.NO_CONTENT)
    @Operation(operationId = "markNotificationRead", summary = "Mark one of my notifications read")
    Mono<Void> read(@PathVariable UUID id) {
        return CurrentUser.get()
                .flatMap(user -> store.markRead(user.id(), id))
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Notification", id.toString())))
                .then();
    }
}
