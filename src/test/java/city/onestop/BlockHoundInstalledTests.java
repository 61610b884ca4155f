package city.onestop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** BlockHound is installed for every test (blockhound-junit-platform) and our callback still throws its error. */
class BlockHoundInstalledTests {

    @Test
    void blockingOnAParallelThreadFailsWithBlockingOperationError() {
        Throwable failure = Mono.fromCallable(() -> {
                    Thread.sleep(1);
                    return "slept";
                })
                .subscribeOn(Schedulers.parallel())
                .map(s -> (Throwable) null)
                .onErrorResume(e -> Mono.just(e))
                .block(Duration.ofSeconds(10));
        assertThat(failure).isInstanceOf(BlockingOperationError.class);
    }
}
