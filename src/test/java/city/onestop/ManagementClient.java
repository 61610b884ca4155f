package city.onestop;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;

/**
 * A client for Actuator, which listens on the management port ({@code @LocalManagementPort}), not the API port.
 *
 * <p>Each request opens a connection of its own, and one that gets no response within 10 s is sent again (twice at
 * most) on a new connection. A request on the management port was seen to go unanswered, with no thread busy on
 * it, around a 404 there for a path Actuator does not serve (docs/operations.md: most likely Reactor Netty's keep-alive
 * stall of decision 0150); these tests are about what Actuator answers, not about that.
 */
public final class ManagementClient {

    private ManagementClient() {}

    public static WebTestClient on(int managementPort) {
        HttpClient http = HttpClient.create(ConnectionProvider.newConnection());
        return WebTestClient.bindToServer(new ReactorClientHttpConnector(http))
                .baseUrl("http://localhost:" + managementPort)
                .responseTimeout(Duration.ofSeconds(40))
                .filter((request, next) -> next.exchange(request)
                        .timeout(Duration.ofSeconds(10))
                        .retryWhen(Retry.max(2).filter(e -> e instanceof TimeoutException)))
                // The Prometheus page is larger than the client's default 256 KiB buffer.
                .codecs(c -> c.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
                .build();
    }
}
