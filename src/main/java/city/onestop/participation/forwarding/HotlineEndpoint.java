package city.onestop.participation.forwarding;

import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * Where the 12345 system is and with which key, read on every call; empty when forwarding is off. Tests point it at
 * their fake server with {@link #use} (one Spring context for every integration test) and {@link #off} afterwards.
 */
@Component
public class HotlineEndpoint {

    public record Target(URI baseUrl, String apiKey) {}

    private final AtomicReference<Target> target = new AtomicReference<>();

    HotlineEndpoint(HotlineSettings settings) {
        if (settings.enabled() && !settings.baseUrl().isBlank()) {
            target.set(new Target(URI.create(settings.baseUrl()), settings.apiKey()));
        }
    }

    public boolean enabled() {
        return target.get() != null;
    }

    /** The current target, or null when forwarding is off. */
    public Target target() {
        return target.get();
    }

    public void use(URI baseUrl, String apiKey) {
        target.set(new Target(baseUrl, apiKey));
    }

    public void off() {
        target.set(null);
    }
}
