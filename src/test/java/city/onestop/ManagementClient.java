package city.onestop;

import java.time.Duration;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A client for Actuator, which listens on the management port ({@code @LocalManagementPort}), not the API port.
 */
public final class ManagementClient {

    private ManagementClient() {}

    public static WebTestClient on(int managementPort) {
        return WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + managementPort)
                .responseTimeout(Duration.ofSeconds(30))
                // The Prometheus page is larger than the client's default 256 KiB buffer.
                .codecs(c -> c.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
                .build();
    }
}
