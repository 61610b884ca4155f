package city.onestop.transit.realtime.ingest;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A service alert with its texts exactly as the agency gave them (one entry per language). */
public record ServiceAlert(
        String id,
        List<ActivePeriod> activePeriods,
        List<InformedEntity> informedEntities,
        String cause,
        String effect,
        List<LocalizedText> headerText,
        List<LocalizedText> descriptionText,
        List<LocalizedText> url) {

    public ServiceAlert {
        activePeriods = List.copyOf(activePeriods);
        informedEntities = List.copyOf(informedEntities);
        headerText = List.copyOf(headerText);
        descriptionText = List.copyOf(descriptionText);
        url = List.copyOf(url);
    }

    /** Open ends are null: no start means "since ever", no end means "until further notice". */
    public record ActivePeriod(@Nullable Instant start, @Nullable Instant end) {

        boolean contains(Instant t) {
            return (start == null || !t.isBefore(start)) && (end == null || t.isBefore(end));
        }
    }

    public record InformedEntity(
            @Nullable String agencyId,
            @Nullable String routeId,
            @Nullable Integer routeType,
            @Nullable String tripId,
            @Nullable String stopId) {}

    public record LocalizedText(String text, @Nullable String language) {}

    /** An alert without active periods is active all the time (GTFS-realtime spec). */
    public boolean isActiveAt(Instant t) {
        return activePeriods.isEmpty() || activePeriods.stream().anyMatch(p -> p.contains(t));
    }
}
