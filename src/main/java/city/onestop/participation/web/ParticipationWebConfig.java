package city.onestop.participation.web;

import city.onestop.platform.PublicPaths;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ParticipationWebConfig {

    /** Departments, categories and what the city published are public: anyone may read them. */
    @Bean
    PublicPaths participationPublicPaths() {
        return PublicPaths.get("/api/v1/participation/departments", "/api/v1/participation/categories", "/api/v1/public/cases",
                "/api/v1/public/cases/stats", "/api/v1/public/ratings", "/api/v1/participation/calendar/*");
    }
}
