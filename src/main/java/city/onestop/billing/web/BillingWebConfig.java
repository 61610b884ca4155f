package city.onestop.billing.web;

import city.onestop.platform.PublicPaths;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class BillingWebConfig {

    /** The provider has no citizen token: its callback is authenticated by the HMAC signature instead. */
    @Bean
    PublicPaths billingProviderCallbackPaths() {
        return PublicPaths.post(ProviderCallbackController.PATH);
    }
}
