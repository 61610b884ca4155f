package city.onestop.participation.web;

import city.onestop.platform.PublicPaths;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ParticipationWebConfig {

    /** Departments and categories are public: anyone may see where a case would go before filing it. */
    @Bean
    PublicPaths participationPublicPaths() {
        return PublicPaths.get("/api/v1/participation/departments", "/api/v1/participation/categories");
    }
}
