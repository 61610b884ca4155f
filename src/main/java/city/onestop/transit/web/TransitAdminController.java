package city.onestop.transit.web;

import city.onestop.platform.AuditLog;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.ProblemException;
import city.onestop.platform.Role;
import city.onestop.transit.gtfs.FeedImporter;
import city.onestop.transit.gtfs.FeedSources;
import city.onestop.transit.gtfs.FeedStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/admin/transit/feeds/{feedId}/imports")
@Tag(name = "Transit administration", description = "Feed imports and their history")
class TransitAdminController {

    private final FeedImporter importer;
    private final FeedSources sources;
    private final FeedStore store;
    private final AuditLog audit;
    private final TransactionalOperator tx;

    TransitAdminController(FeedImporter importer, FeedSources sources, FeedStore store, AuditLog audit,
            ReactiveTransactionManager txManager) {
        this.audit = audit;
        this.tx = TransactionalOperator.create(txManager);
        this.importer = importer;
        this.sources = sources;
        this.store = store;
    }

    /**
     * With a zip body ({@code application/zip} or {@code application/octet-stream}), imports that zip as the next
     * version of the feed; with an empty body, re-imports the feed from its configured URL. Synchronous: the answer is
     * the finished import with its report. 422 with the reason when the feed is rejected; 409 if one is running.
     */
    @PostMapping
    @Operation(operationId = "importTransitFeed", summary = "Import a GTFS zip (body) or re-import the configured feed (no body)",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = false, content = {
                @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/zip",
                        schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string", format = "binary")),
                @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/octet-stream",
                        schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string", format = "binary"))}),
            responses = @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "201",
                    description = "The finished import with its report",
                    content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                            schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = FeedStore.ImportRecord.class))))
    Mono<ResponseEntity<FeedStore.ImportRecord>> importFeed(@PathVariable String feedId, ServerHttpRequest request) {
        if (!feedId.matches("[a-z0-9][a-z0-9-]{0,31}")) {
            return Mono.error(ProblemException.badRequest("INVALID_FEED_ID", "feed ids are lower-case letters, digits and dashes"));
        }
        long length = request.getHeaders().getContentLength();
        Mono<FeedStore.ImportRecord> work;
        if (length == 0 || (length < 0 && request.getHeaders().getContentType() == null)) {
            work = sources.importConfigured(feedId, "ADMIN", false);
        } else {
            work = sources.tempFile().flatMap(file -> sources.writeLimited(request.getBody(), file)
                    .then(importer.importZip(feedId, "ADMIN", file, new FeedStore.Source("upload", null, null, null), false))
                    .flatMap(r -> sources.delete(file).thenReturn(r))
                    .onErrorResume(e -> sources.delete(file).then(Mono.error(e))));
        }
        // An import spans many transactions (bulk copy, then the version switch), so its audit row is written in its
        // own transaction once the import record is final: success or failure, it is never missing.
        return admin().then(work
                        .flatMap(r -> audited(feedId + " import:" + r.importId() + " status:" + r.status(),
                                "TRANSIT_FEED_IMPORTED", AuditLog.Outcome.SUCCESS).thenReturn(r))
                        .onErrorResume(e -> audited(feedId + (e instanceof ProblemException p ? " " + p.code() : ""),
                                "TRANSIT_FEED_IMPORT_FAILED", AuditLog.Outcome.FAILURE).then(Mono.error(e))))
                .map(r -> ResponseEntity.status(HttpStatus.CREATED).body(r));
    }

    private Mono<Void> audited(String target, String action, AuditLog.Outcome outcome) {
        return CurrentUser.get().flatMap(u -> audit.record(new AuditLog.AuditEntry(u.id(), Role.ADMIN.name(), action,
                        "feed:" + target, outcome))
                .as(tx::transactional));
    }

    record History(List<FeedStore.ImportRecord> items, @Nullable String next) {}

    @GetMapping
    @Operation(operationId = "listTransitFeedImports", summary = "Import history of a feed, newest first, with counts, duration and warnings")
    Mono<History> history(@PathVariable String feedId, @RequestParam(defaultValue = "20") int limit,
            @RequestParam(required = false) @Nullable String cursor) {
        int capped = Math.max(1, Math.min(limit, 100));
        Long before;
        try {
            before = cursor == null ? null : Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            return Mono.error(ProblemException.badRequest("INVALID_CURSOR", "cursor is not one this API returned"));
        }
        return admin().then(store.history(feedId, capped + 1, before).collectList()).map(list -> {
            boolean more = list.size() > capped;
            var items = more ? list.subList(0, capped) : list;
            return new History(items, more ? String.valueOf(items.get(items.size() - 1).importId()) : null);
        });
    }

    private static Mono<Void> admin() {
        return CurrentUser.get().flatMap(u -> u.has(Role.ADMIN) ? Mono.<Void>empty()
                : Mono.error(new ProblemException(HttpStatus.FORBIDDEN, "FORBIDDEN", "Forbidden", "Feed imports need the ADMIN role",
                        Map.of())));
    }
}
