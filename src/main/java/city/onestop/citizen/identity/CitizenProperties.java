package city.onestop.citizen.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code onestop.citizen.*}. {@code idEncryptionKey}: base64, at least 32 bytes; required unless the embedded
 * database is in use (then one is generated and kept in the data folder beside it). {@code admin}: the
 * account created on first start. {@code passwordHashStrength}: the bcrypt cost (2^n rounds).
 */
@ConfigurationProperties("onestop.citizen")
public record CitizenProperties(String idEncryptionKey, Admin admin, Demo demo, Integer passwordHashStrength) {

    public CitizenProperties {
        admin = admin == null ? new Admin(null, null, null) : admin;
        demo = demo == null ? new Demo(true) : demo;
        passwordHashStrength = passwordHashStrength == null ? 10 : passwordHashStrength;
    }

    /** The operator account ensured at start when {@code phone} is set. */
    public record Admin(String phone, String password, String realName) {
        public Admin {
            realName = realName == null || realName.isBlank() ? "OneStop Administrator" : realName;
        }
    }

    /** The demo citizen of the local profile (never seeded in any other profile). */
    public record Demo(boolean enabled) {}
}
