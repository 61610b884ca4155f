package city.onestop.notification.delivery;

import com.interaso.webpush.VapidKeys;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The application server's VAPID key pair (RFC 8292). Configured keys are used as they are; without them a pair
 * is generated at start with a warning: browsers subscribe with the public key, so generated keys (new at every
 * start) make every stored subscription unusable after a restart. Fine for the local demo, not for production.
 */
@Component
class VapidKeyring {

    private static final Logger log = LoggerFactory.getLogger(VapidKeyring.class);

    private final VapidKeys keys;

    VapidKeyring(PushSettings settings) {
        if (settings.vapidPublicKey() != null && !settings.vapidPublicKey().isBlank()
                && settings.vapidPrivateKey() != null && !settings.vapidPrivateKey().isBlank()) {
            this.keys = VapidKeys.create(settings.vapidPublicKey().trim(), settings.vapidPrivateKey().trim());
        } else {
            this.keys = VapidKeys.generate();
            if (settings.logGeneratedKeys()) {
                log.warn("No VAPID keys configured: generated a pair for this run. To keep it, set "
                        + "onestop.push.vapid-public-key={} onestop.push.vapid-private-key={}", keys.getX509PublicKey(),
                        keys.getPkcs8PrivateKey());
            } else {
                log.warn("No VAPID keys configured (onestop.push.vapid-public-key / vapid-private-key): generated a pair for "
                        + "this run only, so Web Push subscriptions will not survive a restart");
            }
        }
    }

    VapidKeys keys() {
        return keys;
    }

    /** The uncompressed P-256 point, base64url without padding: what a browser passes as applicationServerKey. */
    String applicationServerKey() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(keys.getApplicationServerKey());
    }
}
