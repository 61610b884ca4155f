package city.onestop.transit.demo;

import city.onestop.transit.realtime.ingest.FeedPoller;
import city.onestop.transit.realtime.ingest.LiveFeedProperties;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * The local profile's demo city: when no agency publishes realtime here and a timetable is there to simulate, the
 * poller polls the simulator this app serves ({@link DemoFeedController}), through the same path as any agency's feed.
 */
@Component
public class DemoRealtime {

    /** The demo city's feed id. */
    public static final String DEMO_FEED_ID = "demo";
    /** How often the demo city's simulated feeds are polled. */
    public static final Duration DEMO_POLL_INTERVAL = Duration.ofSeconds(10);

    private final Environment environment;
    private final LiveFeedProperties properties;
    private final ObjectProvider<SimulatedTimetable> timetable;
    private final FeedPoller poller;

    DemoRealtime(Environment environment, LiveFeedProperties properties, ObjectProvider<SimulatedTimetable> timetable,
            FeedPoller poller) {
        this.environment = environment;
        this.properties = properties;
        this.timetable = timetable;
        this.poller = poller;
    }

    @EventListener
    void onWebServerStarted(WebServerInitializedEvent event) {
        // Only the API server serves the demo feeds; Actuator's own server (namespace "management") starts too.
        if (event.getApplicationContext().getServerNamespace() != null
                || !environment.acceptsProfiles(Profiles.of("local"))
                || properties.feeds().stream().anyMatch(LiveFeedProperties.Feed::hasRealtime)
                || timetable.getIfAvailable() == null) {
            return;
        }
        String base = "http://localhost:" + event.getWebServer().getPort() + "/api/v1/demo/gtfs-rt/";
        poller.startFeed(new LiveFeedProperties.Feed(
                DEMO_FEED_ID, base + "vehicle-positions.pb", base + "trip-updates.pb", null, DEMO_POLL_INTERVAL));
    }
}
