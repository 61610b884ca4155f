package city.onestop.citizen.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IdNumberProtectorTests {

    private final IdNumberProtector protector = new IdNumberProtector("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    @Test
    void decryptsWhatItEncrypted() {
        assertThat(protector.decrypt(protector.encrypt("11010519491231002X"))).isEqualTo("11010519491231002X");
    }

    @Test
    void ciphertextDoesNotContainTheNumberAndDiffersEachTime() {
        byte[] a = protector.encrypt("11010519491231002X");
        byte[] b = protector.encrypt("11010519491231002X");
        assertThat(a).isNotEqualTo(b);
        assertThat(new String(a, StandardCharsets.ISO_8859_1)).doesNotContain("19491231");
    }

    @Test
    void rejectsATamperedCiphertext() {
        byte[] sealed = protector.encrypt("11010519491231002X");
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> protector.decrypt(sealed)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsACiphertextOfAnotherKey() {
        IdNumberProtector other = new IdNumberProtector("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));
        byte[] sealed = other.encrypt("11010519491231002X");
        assertThatThrownBy(() -> protector.decrypt(sealed)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fingerprintIsStablePerNumberAndKey() {
        assertThat(protector.fingerprint("11010519491231002X")).isEqualTo(protector.fingerprint("11010519491231002X"));
        assertThat(protector.fingerprint("11010519491231002X")).isNotEqualTo(protector.fingerprint("440524188001010014"));
        IdNumberProtector other = new IdNumberProtector("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));
        assertThat(Arrays.equals(other.fingerprint("11010519491231002X"), protector.fingerprint("11010519491231002X"))).isFalse();
    }

    @Test
    void refusesAShortKey() {
        assertThatThrownBy(() -> new IdNumberProtector(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }
}
