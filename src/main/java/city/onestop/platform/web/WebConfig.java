package city.onestop.platform.web;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.config.WebFluxConfigurer;

@Configuration(proxyBeanMethods = false)
class WebConfig implements WebFluxConfigurer {

    private final DataSize maxBody;

    WebConfig(@Value("${onestop.http.max-body-size:64KB}") DataSize maxBody) {
        this.maxBody = maxBody;
    }

    @Override
    public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
        // Bodies of unknown length (chunked) are bounded here; declared lengths are checked earlier by BodyLimitFilter.
        configurer.defaultCodecs().maxInMemorySize((int) Math.max(maxBody.toBytes(), 1024));
    }
}
