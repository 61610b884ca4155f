package city.onestop.transit.web;

import city.onestop.platform.PublicPaths;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class TransitWebConfig {

    /** Stops, routes and timetables are public information: no token needed to read them. */
    @Bean
    PublicPaths transitPublicPaths() {
        return PublicPaths.get("/api/v1/transit/**");
    }
}
