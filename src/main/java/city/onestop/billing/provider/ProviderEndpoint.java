package city.onestop.billing.provider;

import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
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
    private static final Logger log = LoggerFactory.getLogger(ProviderEndpoint.class);

    private final AtomicReference<URI> baseUrl = new AtomicReference<>();

    private final boolean simulated;

    ProviderEndpoint(ProviderSettings settings, ObjectProvider<SimulatedProvider> simulatedProvider) {
        this.simulated = simulatedProvider.getIfAvailable() != null;
        if (!settings.baseUrl().isBlank()) {
            baseUrl.set(URI.create(settings.baseUrl()));
        } else if (!simulated) {
            log.warn("onestop.billing.provider.base-url is not set and the simulated provider is off: payments will answer 503");
        }
        if (!simulated && "onestop-local-provider-secret".equals(settings.callbackSecret())) {
            log.warn("onestop.billing.provider.callback-secret is the local default: set the secret shared with the provider");
        }
    }

    @EventListener
    void onServerStarted(WebServerInitializedEvent event) {
        if (simulated) {
            baseUrl.compareAndSet(null, URI.create("http://127.0.0.1:" + event.getWebServer().getPort() + SIMULATED_PATH));
        }
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
