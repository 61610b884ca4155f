package city.onestop.booking.web;

import city.onestop.platform.PublicPaths;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class BookingSecurityConfig {

    /** The catalogue and availability are public: anyone may look for a free slot; booking needs a token. */
    @Bean
    PublicPaths bookingPublicPaths() {
        return PublicPaths.get("/api/v1/booking/hospitals", "/api/v1/booking/hospitals/*", "/api/v1/booking/hospitals/*/departments",
                "/api/v1/booking/departments/*/doctors", "/api/v1/booking/availability");
    }
}
