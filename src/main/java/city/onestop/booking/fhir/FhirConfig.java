package city.onestop.booking.fhir;

import ca.uhn.fhir.context.FhirContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class FhirConfig {

    /** Expensive to build (it scans the R4 model), thread-safe once built: one per application, made at startup. */
    @Bean
    FhirContext fhirContext() {
        FhirContext context = FhirContext.forR4();
        // Warm the model so the first request does not pay for the scan.
        context.getResourceDefinition("Slot");
        context.getResourceDefinition("Appointment");
        context.getResourceDefinition("Bundle");
        return context;
    }
}
