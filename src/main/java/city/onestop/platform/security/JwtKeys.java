package city.onestop.platform.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HMAC key that signs OneStop's access tokens: {@code onestop.security.jwt.secret} (base64, at least 32
 * bytes) when configured; otherwise one generated on first start and kept in the data folder, so tokens
 * survive a restart of a local instance. Every instance of a deployment must share the configured secret.
 */
final class JwtKeys {

    private static final Logger log = LoggerFactory.getLogger(JwtKeys.class);

    private JwtKeys() {}

    static SecretKey load(String configured, Path dataDir) {
        byte[] bytes;
        if (configured != null && !configured.isBlank()) {
            bytes = Base64.getDecoder().decode(configured.trim());
        } else {
            bytes = generatedKey(dataDir.resolve("jwt-secret"));
        }
        if (bytes.length < 32) {
            throw new IllegalStateException("onestop.security.jwt.secret must be at least 32 bytes (base64-encoded)");
        }
        return new SecretKeySpec(bytes, "HmacSHA256");
    }

    private static byte[] generatedKey(Path file) {
        try {
            if (Files.exists(file)) {
                return Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
            }
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.createDirectories(file.getParent());
            Files.writeString(file, Base64.getEncoder().encodeToString(key), StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system; the key is still only as safe as the folder it lives in
            }
            log.info("Generated a JWT signing key in {} (set onestop.security.jwt.secret in production)", file);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read or write the JWT key at " + file, e);
        }
    }
}
