package city.onestop.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KeysetTests {

    static String raw(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everySortTypeSurvivesTheRoundTripToTheNanosecond() {
        UUID id = UUID.randomUUID();
        Instant at = Instant.parse("2026-12-01T12:34:56.123456789Z");
        assertThat(Keyset.decode(Keyset.encode(at, id)).instant()).isEqualTo(at);
        assertThat(Keyset.decode(Keyset.encode(at, id)).uuid()).isEqualTo(id);
        assertThat(Keyset.decode(Keyset.encode(LocalDate.of(2026, 11, 1), id)).date()).isEqualTo(LocalDate.of(2026, 11, 1));
        OffsetDateTime t = OffsetDateTime.parse("2026-12-01T20:00:00.5+08:00");
        assertThat(Keyset.decode(Keyset.encode(t, id)).offsetDateTime()).isEqualTo(t);
        assertThat(Keyset.decode(Keyset.encode(null, 42L)).number()).isEqualTo(42L);
        assertThat(Keyset.decode(Keyset.encode(null, id)).instant()).isNull();
        // A tie-breaker may itself contain the separator (a reference): only the first one splits.
        assertThat(Keyset.decode(Keyset.encode(at, "GZ|2026|7")).tie()).isEqualTo("GZ|2026|7");
        // What Page.of encodes is the same cursor.
        assertThat(Cursors.encode(Keyset.position(at, id))).isEqualTo(Keyset.encode(at, id));
    }

    @Test
    void theFirstPageHasNoCursor() {
        assertThat(Keyset.decode(null)).isNull();
        assertThat(Keyset.decode(" ")).isNull();
    }

    @Test
    void aCursorWeDidNotMakeIsA400() {
        for (String bad : new String[] {"%%%", raw("no separator"), raw("2026-01-01|"), raw("-|x")}) {
            assertThatThrownBy(() -> {
                Keyset.Position p = Keyset.decode(bad);
                p.uuid();
            }).as(bad).isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.code()).isEqualTo("INVALID_CURSOR"));
        }
        assertThatThrownBy(() -> Keyset.decode(raw("-|-5")).number()).isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> Keyset.decode(raw("yesterday|" + UUID.randomUUID())).instant()).isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> Keyset.decode(raw("-|" + UUID.randomUUID())).date()).isInstanceOf(ProblemException.class);
    }
}
