package city.onestop.billing.provider;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/** HMAC-SHA256 over the raw callback body with the secret shared with the provider, hex-encoded. */
@Component
public class CallbackSignature {

    public static final String HEADER = "X-Provider-Signature";

    private final byte[] secret;

    CallbackSignature(ProviderSettings settings) {
        this.secret = settings.callbackSecret().getBytes(StandardCharsets.UTF_8);
    }

    public String sign(byte[] body) {
        return HexFormat.of().formatHex(mac(body));
    }

    /** Constant-time comparison, so the signature cannot be guessed byte by byte. */
    public boolean verify(byte[] body, String signature) {
        if (signature == null || signature.isBlank()) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signature.trim().toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(mac(body), given);
    }

    private byte[] mac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
