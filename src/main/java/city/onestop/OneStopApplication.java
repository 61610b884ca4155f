package city.onestop;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** OneStop: one login and one set of endpoints for a city's buses, utility bills and hospital appointments. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class OneStopApplication {

    public static void main(String[] args) {
        SpringApplication.run(OneStopApplication.class, args);
    }
}
