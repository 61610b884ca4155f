package city.onestop;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

/**
 * A full application on the real embedded PostgreSQL and Redis of this test JVM. Every test class using
 * exactly this annotation (and no extra properties or mocks) shares one Spring context, so keep it that way:
 * tests isolate themselves by creating their own data (fresh phone numbers, ids), not by new contexts.
 * Its {@link java.time.Clock} is the settable {@link TestClock}: inject it to move time, reset it afterwards.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@ActiveProfiles("test")
@Import({TestClockConfiguration.class, TestWebClientConfiguration.class})
public @interface IntegrationTest {}
