package city.onestop.transit.realtime.ingest;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The realtime side of {@code onestop.transit}: per feed the three GTFS-realtime URLs and the poll interval
 * ({@code onestop.transit.feeds[i].*}; other keys of a feed entry, such as its static GTFS URL, belong to the
 * static import and are ignored here), and the ingest tuning under {@code onestop.transit.realtime.*}.
 */
@ConfigurationProperties("onestop.transit")
public record LiveFeedProperties(@DefaultValue List<Feed> feeds, @DefaultValue Realtime realtime) {

    public LiveFeedProperties {
        feeds = List.copyOf(feeds);
    }

    public record Feed(
            String id,
            @Nullable String vehiclePositionsUrl,
            @Nullable String tripUpdatesUrl,
            @Nullable String alertsUrl,
            @DefaultValue("15s") Duration pollInterval) {

        public @Nullable String url(FeedKind kind) {
            return switch (kind) {
                case VEHICLE_POSITIONS -> vehiclePositionsUrl;
                case TRIP_UPDATES -> tripUpdatesUrl;
                case ALERTS -> alertsUrl;
            };
        }

        public boolean hasRealtime() {
            return vehiclePositionsUrl != null || tripUpdatesUrl != null || alertsUrl != null;
        }
    }

    /**
     * @param enabled whether this instance competes for feed leases and polls (every instance serves reads)
     * @param requestTimeout per attempt, connect to last byte
     * @param retries extra attempts after a transient failure (5xx, 429, timeout, connection error)
     * @param retryBackoff first backoff; doubles per attempt, with jitter
     * @param maxBodySize bigger bodies are rejected and counted, the last good state stays
     * @param vehicleMaxAge a vehicle not updated for this long is dropped from live results
     * @param redisTimeout every Redis command on the read path fails after this, never hangs
     * @param staleAfter a snapshot whose header is older than this is served flagged {@code stale}
     * @param breakerWindow circuit breaker sliding window (calls), per URL
     * @param breakerMinimumCalls calls before the breaker may open
     * @param breakerOpenFor how long an open breaker refuses calls before probing again
     */
    public record Realtime(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("5s") Duration requestTimeout,
            @DefaultValue("2") int retries,
            @DefaultValue("500ms") Duration retryBackoff,
            @DefaultValue("8MB") DataSize maxBodySize,
            @DefaultValue("5m") Duration vehicleMaxAge,
            @DefaultValue("500ms") Duration redisTimeout,
            @DefaultValue("2m") Duration staleAfter,
            @DefaultValue("10") int breakerWindow,
            @DefaultValue("5") int breakerMinimumCalls,
            @DefaultValue("30s") Duration breakerOpenFor) {}
}
