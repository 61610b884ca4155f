package city.onestop;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.WebTestClientBuilderCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * The shared test client reads whole documents the service serves (the OpenAPI document of every module is larger
 * than the codecs' default 256 KiB buffer). Only the client's limit changes; the server keeps its own.
 */
@TestConfiguration(proxyBeanMethods = false)
class TestWebClientConfiguration {

    @Bean
    WebTestClientBuilderCustomizer largerClientBuffer() {
        return builder -> builder.codecs(c -> c.defaultCodecs().maxInMemorySize(8 * 1024 * 1024));
    }
}
