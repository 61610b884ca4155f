package city.onestop.notification.delivery;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Web Push ({@code onestop.push.*}). {@code vapidPublicKey} is the X.509 (SubjectPublicKeyInfo) and
 * {@code vapidPrivateKey} the PKCS#8 encoding of one P-256 key pair, both base64url; {@code subject} is the
 * {@code mailto:} or {@code https:} contact push services may use (RFC 8292 section 2.1). {@code simulated}
 * serves a push service inside the application (the local profile's offline demo); {@code logGeneratedKeys}
 * logs a generated pair in full (local only: it prints a private key).
 */
@ConfigurationProperties("onestop.push")
record PushSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("mailto:ops@onestop.invalid") String subject,
        @Nullable String vapidPublicKey,
        @Nullable String vapidPrivateKey,
        @DefaultValue("24h") Duration ttl,
        @DefaultValue("5s") Duration timeout,
        @DefaultValue("3") int attempts,
        @DefaultValue("500ms") Duration firstBackoff,
        @DefaultValue("false") boolean simulated,
        @DefaultValue("false") boolean logGeneratedKeys) {}
