package city.onestop.citizen.identity;

import city.onestop.platform.PublicPaths;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class IdentityConfig {

    @Bean(destroyMethod = "close")
    PasswordHasher passwordHasher(CitizenProperties properties) {
        return new PasswordHasher(properties.passwordHashStrength());
    }

    @Bean
    IdNumberProtector idNumberProtector(
            CitizenProperties properties,
            @Value("${onestop.embedded.active:false}") boolean embedded,
            @Value("${onestop.embedded.ephemeral:false}") boolean ephemeral,
            @Value("${onestop.data-dir:./data}") String dataDir) {
        return new IdNumberProtector(IdentityKeys.idNumberKey(properties.idEncryptionKey(), embedded, ephemeral, Path.of(dataDir)));
    }

    /** Logging in, registering and refreshing happen before one has a token; logout needs only the refresh token. */
    @Bean
    PublicPaths citizenPublicPaths() {
        return PublicPaths.any("/api/v1/auth/**");
    }
}
