package city.onestop.citizen.identity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keeps ID numbers unreadable at rest: AES-256-GCM for the number itself (random 96-bit nonce, stored as
 * {@code version || nonce || ciphertext+tag}) and HMAC-SHA256 as a deterministic fingerprint for the uniqueness
 * constraint. Both keys are derived from one configured master key, so operators manage a single secret.
 */
public final class IdNumberProtector {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey encryptionKey;
    private final SecretKey fingerprintKey;
    private final SecureRandom random = new SecureRandom();

    public IdNumberProtector(byte[] masterKey) {
        if (masterKey.length < 32) {
            throw new IllegalArgumentException("The ID-number key must be at least 32 bytes");
        }
        this.encryptionKey = new SecretKeySpec(derive(masterKey, "onestop id-number encryption v1"), "AES");
        this.fingerprintKey = new SecretKeySpec(derive(masterKey, "onestop id-number fingerprint v1"), "HmacSHA256");
    }

    public byte[] encrypt(String number) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(new byte[] {VERSION});
            byte[] sealed = cipher.doFinal(number.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The number; fails when the ciphertext was altered or sealed with another key. */
    public String decrypt(byte[] stored) {
        if (stored.length < 1 + NONCE_BYTES + TAG_BITS / 8 || stored[0] != VERSION) {
            throw new IllegalArgumentException("Not an ID-number ciphertext of version " + VERSION);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, stored, 1, NONCE_BYTES));
            cipher.updateAAD(new byte[] {VERSION});
            byte[] plain = cipher.doFinal(stored, 1 + NONCE_BYTES, stored.length - 1 - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("The ID-number ciphertext does not verify", e);
        }
    }

    /** Same number, same fingerprint; without the key it cannot be brute-forced from the (small) ID space. */
    public byte[] fingerprint(String number) {
        return hmac(fingerprintKey, number.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] derive(byte[] master, String purpose) {
        return hmac(new SecretKeySpec(master, "HmacSHA256"), purpose.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(SecretKey key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
