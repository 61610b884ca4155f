package city.onestop.citizen.identity;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * bcrypt, run on its own small pool: a hash costs tens of milliseconds of CPU, which must never be spent on
 * an event-loop thread. The pool has one thread per core (more would only queue on the CPU) and a bounded
 * queue; when that is full the service is overloaded and answers 503 rather than queueing without end.
 */
public final class PasswordHasher implements AutoCloseable {

    /** bcrypt ignores everything past 72 bytes, and Spring Security refuses such input: we refuse it first. */
    public static final int MAX_BYTES = 72;

    private final BCryptPasswordEncoder encoder;
    private final Scheduler scheduler;
    private final String dummyHash;

    public PasswordHasher(int strength) {
        this.encoder = new BCryptPasswordEncoder(strength);
        this.scheduler = Schedulers.newBoundedElastic(
                Math.max(2, Runtime.getRuntime().availableProcessors()), 10_000, "password-hash", 60, true);
        // Compared against when the phone is unknown, so that a miss costs as long as a wrong password.
        this.dummyHash = encoder.encode("onestop-no-such-citizen");
    }

    public static boolean fits(String raw) {
        return raw.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
    }

    public Mono<String> hash(String raw) {
        if (!fits(raw)) {
            return Mono.error(new CitizenError.PasswordTooLong());
        }
        return offload(Mono.fromCallable(() -> encoder.encode(raw)));
    }

    /** Whether {@code raw} matches {@code hash}; a null hash (no such account) costs the same and is false. */
    public Mono<Boolean> matches(String raw, String hash) {
        boolean usable = hash != null && fits(raw);
        String against = usable ? hash : dummyHash;
        String candidate = usable ? raw : "-";
        return offload(Mono.fromCallable(() -> encoder.matches(candidate, against) && usable));
    }

    private <T> Mono<T> offload(Mono<T> work) {
        return work.subscribeOn(scheduler).onErrorMap(RejectedExecutionException.class, e -> new CitizenError.HashingBusy());
    }

    @Override
    public void close() {
        scheduler.dispose();
    }
}
