package city.onestop.transit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A feed a transit IT reads, imported through the admin API before its first test and shared by every IT of the
 * test JVM that names the same id ({@link TransitFixtures}): {@code @ImportedFeed(id = "demo")} for the generated demo
 * city, {@code @ImportedFeed(id = "halifax", source = Source.HALIFAX)} for the real Halifax zip in the shared data.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Repeatable(ImportedFeed.List.class)
@ExtendWith(ImportedFeedExtension.class)
public @interface ImportedFeed {

    String id();

    Source source() default Source.DEMO;

    enum Source {
        /** The demo city ({@code DemoCity}), dated so that 2025-11-06 is inside its year. */
        DEMO,
        /** Halifax's published static GTFS, read from {@code ../shared/data/transit/halifax-transit/}. */
        HALIFAX
    }

    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ExtendWith(ImportedFeedExtension.class)
    @interface List {
        ImportedFeed[] value();
    }
}
