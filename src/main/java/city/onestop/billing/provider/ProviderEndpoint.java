package city.onestop.billing.provider;

import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Where the payment provider is, read on every call. Configured by {@code onestop.billing.provider.base-url};
 * when that is blank, the simulated provider inside this app, on the port the server actually bound. Tests
 * point it at their fake provider with {@link #use}, which keeps every integration test on one Spring context.
 */
@Component
public class ProviderEndpoint {

    static final String SIMULATED_PATH = "/api/v1/billing/simulated-provider";

    private final AtomicReference<URI> baseUrl = new AtomicReference<>();

    ProviderEndpoint(ProviderSettings settings) {
        if (!settings.baseUrl().isBlank()) {
            baseUrl.set(URI.create(settings.baseUrl()));
        }
    }

    @EventListener
    void onServerStarted(WebServerInitializedEvent event) {
        baseUrl.compareAndSet(null, URI.create("http://127.0.0.1:" + event.getWebServer().getPort() + SIMULATED_PATH));
    }

    public void use(URI url) {
        baseUrl.set(url);
    }

    public URI baseUrl() {
        URI url = baseUrl.get();
        if (url == null) {
            throw new PaymentProvider.ProviderUnavailable("No payment provider is configured", null);
        }
        return url;
    }
}
