package city.onestop.notification;

import city.onestop.platform.Outbox;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code notifications} table. */
@Component
class NotificationStore implements Notifications {

    private final DatabaseClient db;
    private final Clock clock;
    private final NotificationHub hub;
    private final Outbox outbox;
    private final TransactionalOperator tx;

    NotificationStore(DatabaseClient db, Clock clock, NotificationHub hub, Outbox outbox, TransactionalOperator tx) {
        this.outbox = outbox;
        this.tx = tx;
        this.db = db;
        this.clock = clock;
        this.hub = hub;
    }

    /** Types that reach the citizen even in their quiet hours. */
    static final java.util.Set<String> URGENT = java.util.Set.of("APPOINTMENT_CANCELLED_BY_HOSPITAL", "BUS_APPROACHING");

    /**
     * Stores the notification and, in the same transaction (the caller's, or one of its own), appends
     * {@link NotificationStored} for the delivery channels; a repeated dedup key stores and appends nothing.
     */
    @Override
    public Mono<Boolean> notify(UUID citizenId, String type, String title, String body, String dedupKey) {
        UUID id = UUID.randomUUID();
        return db.sql("""
                        INSERT INTO notifications (id, citizen_id, type, title, body, dedup_key, created_at)
                        VALUES (:id, :citizen, :type, :title, :body, :dedup, :now)
                        ON CONFLICT (citizen_id, dedup_key) DO NOTHING""")
                .bind("id", id)
                .bind("citizen", citizenId)
                .bind("type", type)
                .bind("title", title)
                .bind("body", body)
                .bind("dedup", dedupKey)
                .bind("now", clock.instant().atOffset(ZoneOffset.UTC))
                .fetch()
                .rowsUpdated()
                .map(n -> n == 1)
                .flatMap(stored -> stored
                        ? outbox.append(new NotificationStored(id, citizenId, type, title, body, URGENT.contains(type)))
                                .then(announceAfterCommit(citizenId))
                                .thenReturn(true)
                        : Mono.just(false))
                .as(tx::transactional);
    }

    /**
     * Open streams read the row when they hear of it, so it must be committed first: inside a transaction (the
     * reminder jobs) the announcement waits for the commit; outside one the insert has already committed.
     */
    private Mono<Void> announceAfterCommit(UUID citizenId) {
        return TransactionSynchronizationManager.forCurrentTransaction()
                .filter(TransactionSynchronizationManager::isSynchronizationActive)
                .flatMap(sync -> {
                    sync.registerSynchronization(new TransactionSynchronization() {
                        @Override
                        public Mono<Void> afterCommit() {
                            return hub.announce(citizenId);
                        }
                    });
                    return Mono.just(true);
                })
                .onErrorResume(NoTransactionException.class, e -> Mono.empty())
                .switchIfEmpty(Mono.defer(() -> hub.announce(citizenId).thenReturn(true)))
                .then();
    }

    /** A stored notification with its stream position. */
    record Streamed(long seq, Notification notification) {}

    /** The citizen's notifications after stream position {@code afterSeq}, oldest first. */
    Flux<Streamed> after(UUID citizenId, long afterSeq, int limit) {
        return db.sql("SELECT * FROM notifications WHERE citizen_id = :citizen AND seq > :after ORDER BY seq LIMIT :limit")
                .bind("citizen", citizenId)
                .bind("after", afterSeq)
                .bind("limit", limit)
                .map(row -> new Streamed(row.get("seq", Long.class), notification(row)))
                .all();
    }

    /** The citizen's latest stream position (0 when none). */
    Mono<Long> lastSeq(UUID citizenId) {
        return db.sql("SELECT COALESCE(max(seq), 0) AS s FROM notifications WHERE citizen_id = :citizen")
                .bind("citizen", citizenId)
                .map(row -> row.get("s", Long.class))
                .one();
    }

    private static Notification notification(io.r2dbc.spi.Readable row) {
        OffsetDateTime created = row.get("created_at", OffsetDateTime.class);
        OffsetDateTime read = row.get("read_at", OffsetDateTime.class);
        return new Notification(row.get("id", UUID.class), row.get("type", String.class), row.get("title", String.class),
                row.get("body", String.class), created.toInstant().toString(), read == null ? null : read.toInstant().toString(),
                created.toInstant());
    }

    @Override
    public Mono<Long> countUnread(UUID citizenId) {
        return db.sql("SELECT count(*) AS n FROM notifications WHERE citizen_id = :citizen AND read_at IS NULL")
                .bind("citizen", citizenId)
                .map(row -> row.get("n", Long.class))
                .one();
    }

    record Notification(UUID id, String type, String title, String body, String createdAt, String readAt, Instant createdInstant) {}

    Mono<List<Notification>> list(UUID citizenId, Instant beforeAt, UUID beforeId, int limit) {
        String after = beforeAt == null ? "" : " AND (created_at, id) < (:at, :after)";
        var spec = db.sql("SELECT * FROM notifications WHERE citizen_id = :citizen" + after + " ORDER BY created_at DESC, id DESC LIMIT :limit")
                .bind("citizen", citizenId)
                .bind("limit", limit + 1);
        if (beforeAt != null) {
            spec = spec.bind("at", beforeAt.atOffset(ZoneOffset.UTC)).bind("after", beforeId);
        }
        return spec.map(row -> {
                    OffsetDateTime created = row.get("created_at", OffsetDateTime.class);
                    OffsetDateTime read = row.get("read_at", OffsetDateTime.class);
                    return new Notification(row.get("id", UUID.class), row.get("type", String.class), row.get("title", String.class),
                            row.get("body", String.class), created.toInstant().toString(), read == null ? null : read.toInstant().toString(),
                            created.toInstant());
                })
                .all()
                .collectList();
    }

    /** Marks read (idempotently); empty when the notification is not the citizen's. */
    Mono<UUID> markRead(UUID citizenId, UUID id) {
        return db.sql("UPDATE notifications SET read_at = COALESCE(read_at, :now) WHERE id = :id AND citizen_id = :citizen RETURNING id")
                .bind("now", clock.instant().atOffset(ZoneOffset.UTC))
                .bind("id", id)
                .bind("citizen", citizenId)
                .map(row -> row.get("id", UUID.class))
                .one();
    }
}
