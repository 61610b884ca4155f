package city.onestop;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;

/**
 * The shared test context's "now": the real time until a test moves it. {@link #startAt} lets it tick from a chosen
 * instant (a daytime in the demo city, a capture's time), {@link #freezeAt} pins it, {@link #reset} goes back to the
 * real time. It is the context's primary {@link Clock}, so every bean that injects a {@code Clock} sees it. Tests run
 * one at a time in this JVM: a test that moves the clock resets it in {@code @AfterEach}.
 *
 * <p>Spring Security's JWT validation reads the system time, not this clock: issue access tokens before moving the
 * clock far (a token issued "yesterday" is expired for the validator).
 */
public final class TestClock extends Clock {

    private volatile Duration offset = Duration.ZERO;
    private volatile @Nullable Instant frozen;
    private final ZoneId zone;

    public TestClock() {
        this(ZoneOffset.UTC);
    }

    private TestClock(ZoneId zone) {
        this.zone = zone;
    }

    /** From now on the clock reads {@code t} and ticks in real time from there. */
    public void startAt(Instant t) {
        frozen = null;
        offset = Duration.between(Instant.now(), t);
    }

    /** From now on the clock reads {@code t}, always. */
    public void freezeAt(Instant t) {
        frozen = t;
    }

    /** Moves the clock forward (or back, negative) by {@code d}, ticking or frozen as it was. */
    public void advance(Duration d) {
        Instant f = frozen;
        if (f != null) {
            frozen = f.plus(d);
        } else {
            offset = offset.plus(d);
        }
    }

    /** Back to the real time. */
    public void reset() {
        frozen = null;
        offset = Duration.ZERO;
    }

    @Override
    public Instant instant() {
        Instant f = frozen;
        return f != null ? f : Instant.now().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId z) {
        TestClock parent = this;
        return new Clock() {
            @Override
            public Instant instant() {
                return parent.instant();
            }

            @Override
            public ZoneId getZone() {
                return z;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return parent.withZone(other);
            }
        };
    }
}
