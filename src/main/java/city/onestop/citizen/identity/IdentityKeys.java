package city.onestop.citizen.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads or generates the small secrets this module keeps when running on the embedded database. */
final class IdentityKeys {

    private static final Logger log = LoggerFactory.getLogger(IdentityKeys.class);

    private IdentityKeys() {}

    /**
     * The ID-number master key: the configured one; else, on the embedded database, one kept in the data folder
     * beside it (wiping the folder wipes both together) or, for an ephemeral database, one in memory. Refusing to
     * start otherwise: a key that silently changed would make every stored ID number unreadable.
     */
    static byte[] idNumberKey(String configured, boolean embedded, boolean ephemeral, Path dataDir) {
        if (configured != null && !configured.isBlank()) {
            return Base64.getDecoder().decode(configured.trim());
        }
        if (!embedded) {
            throw new IllegalStateException("onestop.citizen.id-encryption-key (ONESTOP_CITIZEN_ID_ENCRYPTION_KEY) must be "
                    + "set to a base64 key of at least 32 bytes when an external database is used; "
                    + "generate one with: openssl rand -base64 32");
        }
        if (ephemeral) {
            return random(32);
        }
        return Base64.getDecoder().decode(keptSecret(dataDir.resolve("citizen-id-key"), () -> Base64.getEncoder()
                .encodeToString(random(32)), "the ID-number encryption key"));
    }

    /** A secret kept in {@code file}, created by {@code generator} on first use. */
    static String keptSecret(Path file, java.util.function.Supplier<String> generator, String what) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            String value = generator.get();
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, value, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the secret is as safe as the folder
            }
            log.info("Generated {} in {}", what, file.toAbsolutePath());
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read or write " + file, e);
        }
    }

    static byte[] random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
