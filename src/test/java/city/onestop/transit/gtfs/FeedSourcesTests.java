package city.onestop.transit.gtfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FeedSourcesTests {

    @Test
    void readsARelativeFileUrlAgainstTheWorkingFolder() {
        assertThat(FeedSources.localPath(URI.create("file:../shared/feed.zip"))).isEqualTo(Path.of("../shared/feed.zip"));
    }

    @Test
    void readsAnAbsoluteFileUrl() {
        assertThat(FeedSources.localPath(URI.create("file:/srv/gtfs/feed.zip"))).isEqualTo(Path.of("/srv/gtfs/feed.zip"));
    }
}
