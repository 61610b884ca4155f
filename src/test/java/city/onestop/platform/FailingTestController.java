package city.onestop.platform;

import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Test-only: an endpoint that fails unexpectedly, to prove a 500 discloses nothing. Not in the API document. */
@Hidden
@RestController
class FailingTestController {

    static final String SECRET = "jdbc:postgresql://db-internal:5432 password=hunter2";

    @GetMapping("/api/v1/test-only/failure")
    Mono<String> fail() {
        return Mono.error(new IllegalStateException("Connection to " + SECRET + " refused"));
    }
}
