package city.onestop.transit;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code onestop.transit.*}. With no feeds configured, the {@code local} profile serves the generated demo city.
 *
 * @param feeds the agencies' feeds; every API id is namespaced {@code {feedId}:{gtfsId}}
 * @param maxUncompressedSize a zip unpacking to more is refused (zip bombs)
 * @param maxDroppedRowRatio per file, the share of broken rows (unknown references, invalid values) that are dropped
 *     and reported; above it the import fails
 * @param checkInterval how often an {@code http(s):} static feed is re-checked (conditional GET)
 * @param downloadTimeout the whole download of a static feed
 * @param demo whether the local profile generates and imports the demo city when no feed is configured
 */
@ConfigurationProperties("onestop.transit")
public record TransitProperties(
        @Nullable List<Feed> feeds,
        @Nullable DataSize maxUncompressedSize,
        @Nullable Double maxDroppedRowRatio,
        @Nullable Duration checkInterval,
        @Nullable Duration downloadTimeout,
        @Nullable Boolean demo) {

    public TransitProperties {
        feeds = feeds == null ? List.of() : List.copyOf(feeds);
        maxUncompressedSize = maxUncompressedSize == null ? DataSize.ofMegabytes(512) : maxUncompressedSize;
        maxDroppedRowRatio = maxDroppedRowRatio == null ? 0.01 : maxDroppedRowRatio;
        checkInterval = checkInterval == null ? Duration.ofHours(1) : checkInterval;
        downloadTimeout = downloadTimeout == null ? Duration.ofMinutes(5) : downloadTimeout;
        demo = demo == null || demo;
    }

    /**
     * One agency feed. The realtime URLs and {@code pollInterval} are read by live arrivals (part 2).
     *
     * @param id lower-case letters, digits and dashes; the namespace of the feed's ids
     * @param staticUrl GTFS zip, {@code file:} or {@code http(s):}
     */
    public record Feed(
            String id,
            @Nullable URI staticUrl,
            @Nullable URI vehiclePositionsUrl,
            @Nullable URI tripUpdatesUrl,
            @Nullable URI alertsUrl,
            @Nullable Duration pollInterval) {

        public Feed {
            if (id == null || !id.matches("[a-z0-9][a-z0-9-]{0,31}")) {
                throw new IllegalArgumentException("onestop.transit.feeds[].id must match [a-z0-9][a-z0-9-]{0,31}: " + id);
            }
            pollInterval = pollInterval == null ? Duration.ofSeconds(15) : pollInterval;
        }
    }

    public @Nullable Feed feed(String id) {
        return feeds().stream().filter(f -> f.id().equals(id)).findFirst().orElse(null);
    }
}
