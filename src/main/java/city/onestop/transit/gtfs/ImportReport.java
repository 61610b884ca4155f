package city.onestop.transit.gtfs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What an import found: counts per file, rows dropped and why, the unit detected for shape_dist_traveled, stops whose
 * projection onto their shape lies far from them. Filled by one import thread, then frozen with {@link #summary()}.
 */
public final class ImportReport {

    static final int MAX_LISTED = 200;

    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private final Map<String, Integer> droppedRows = new LinkedHashMap<>();
    private final List<Issue> warnings = new ArrayList<>();
    private int warningCount;
    private final List<Outlier> outliers = new ArrayList<>();
    private int outlierCount;
    private int projectedStops;
    private int interpolatedStopTimes;
    private @Nullable String shapeDistanceUnit;

    public record Issue(String file, long line, String message) {
        @Override
        public String toString() {
            return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
        }
    }

    /** A stop whose chosen point on its pattern's shape is more than {@code 100 m} away from it. */
    public record Outlier(String routeId, int patternId, String stopId, double distanceMeters) {}

    public record Summary(
            Map<String, Integer> counts,
            Map<String, Integer> droppedRows,
            int warningCount,
            List<Issue> warnings,
            @Nullable String shapeDistanceUnit,
            int projectedStops,
            int distanceOutlierCount,
            List<Outlier> distanceOutliers,
            int interpolatedStopTimes) {}

    void count(String what, int n) {
        counts.put(what, n);
    }

    void dropped(String file, long line, String message) {
        droppedRows.merge(file, 1, Integer::sum);
        warn(file, line, message + " (row dropped)");
    }

    int droppedIn(String file) {
        return droppedRows.getOrDefault(file, 0);
    }

    void warn(String file, long line, String message) {
        warningCount++;
        if (warnings.size() < MAX_LISTED) {
            warnings.add(new Issue(file, line, message));
        }
    }

    @Nullable Issue firstWarningIn(String file) {
        return warnings.stream().filter(w -> w.file().equals(file)).findFirst().orElse(null);
    }

    void projected(int n) {
        projectedStops += n;
    }

    void outlier(Outlier o) {
        outlierCount++;
        if (outliers.size() < MAX_LISTED) {
            outliers.add(o);
        }
    }

    void interpolated() {
        interpolatedStopTimes++;
    }

    void shapeDistanceUnit(String unit) {
        this.shapeDistanceUnit = unit;
    }

    public Summary summary() {
        return new Summary(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts)), Map.copyOf(droppedRows), warningCount, List.copyOf(warnings),
                shapeDistanceUnit, projectedStops, outlierCount, List.copyOf(outliers), interpolatedStopTimes);
    }
}
