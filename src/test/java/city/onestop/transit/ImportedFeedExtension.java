package city.onestop.transit;

import city.onestop.platform.AccessTokens;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.springframework.test.context.junit.jupiter.SpringExtension;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Imports the {@link ImportedFeed}s a test class names into the shared Spring context, once per test JVM, before
 * each test (so a test never starts without them, whichever IT ran first). The context is the test's own, from
 * {@link SpringExtension}; nothing is mocked.
 */
final class ImportedFeedExtension implements BeforeEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        var feeds = AnnotationSupport.findRepeatableAnnotations(context.getRequiredTestClass(), ImportedFeed.class);
        if (feeds.isEmpty()) return;
        var spring = SpringExtension.getApplicationContext(context);
        WebTestClient web = spring.getBean(WebTestClient.class);
        AccessTokens tokens = spring.getBean(AccessTokens.class);
        for (ImportedFeed feed : feeds) {
            switch (feed.source()) {
                case DEMO -> TransitFixtures.demo(web, tokens, feed.id());
                case HALIFAX -> TransitFixtures.halifax(web, tokens, feed.id());
            }
        }
    }
}
