package city.onestop;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

class ModulesTests {

    @Test
    void featuresOnlyUseEachOthersPublicFaces() {
        ApplicationModules.of(OneStopApplication.class).verify();
    }
}
