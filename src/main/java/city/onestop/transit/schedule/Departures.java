package city.onestop.transit.schedule;

import city.onestop.transit.gtfs.GtfsFeed;
import city.onestop.transit.schedule.TransitQueries.StopTimeRow;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Scheduled departures at one stop in {@code [from, to)}. A stop time at {@code s} seconds on service date {@code d}
 * departs at noon-minus-12h of {@code d} in the agency zone plus {@code s}: 25:30 on Monday is Tuesday 01:30. Service
 * dates that can reach the window are the window's local dates and the two before (times run to 47:59).
 * Frequency-based trips repeat their stop times by headway from each period's start.
 */
public final class Departures {

    public record Instance(StopTimeRow row, LocalDate serviceDate, Instant arrival, Instant departure, boolean frequencyBased) {}

    private Departures() {}

    public static List<Instance> between(List<StopTimeRow> rows, ServiceCalendar calendar,
            Map<String, List<GtfsFeed.Frequency>> frequencies, ZoneId zone, Instant from, Instant to) {
        List<Instance> out = new ArrayList<>();
        LocalDate first = from.atZone(zone).toLocalDate().minusDays(2);
        LocalDate last = to.atZone(zone).toLocalDate();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            Instant start = ServiceCalendar.serviceDayStart(d, zone);
            LocalDate date = d;
            Map<String, Boolean> active = new java.util.HashMap<>();
            for (StopTimeRow r : rows) {
                if (!active.computeIfAbsent(r.serviceId(), sid -> calendar.isActive(sid, date))) continue;
                List<GtfsFeed.Frequency> periods = frequencies.get(r.tripId());
                if (periods == null) {
                    Instant dep = start.plusSeconds(r.departureSeconds());
                    if (!dep.isBefore(from) && dep.isBefore(to)) {
                        out.add(new Instance(r, d, start.plusSeconds(r.arrivalSeconds()), dep, false));
                    }
                    continue;
                }
                int arrOffset = r.arrivalSeconds() - r.tripStartSeconds();
                int depOffset = r.departureSeconds() - r.tripStartSeconds();
                for (GtfsFeed.Frequency f : periods) {
                    for (int t = f.startSeconds(); t < f.endSeconds(); t += f.headwaySeconds()) {
                        Instant dep = start.plusSeconds(t + depOffset);
                        if (!dep.isBefore(from) && dep.isBefore(to)) {
                            out.add(new Instance(r, d, start.plusSeconds(t + arrOffset), dep, true));
                        }
                    }
                }
            }
        }
        out.sort(Comparator.comparing(Instance::departure).thenComparing(i -> i.row().tripId()));
        return out;
    }
}
