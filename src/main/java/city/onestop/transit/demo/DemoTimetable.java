package city.onestop.transit.demo;

import city.onestop.transit.schedule.Timetables;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The demo simulator's timetable: the imported demo city ({@code demo} feed) as the in-memory {@link Timetables}
 * hold it. Frequency-based trips (the night line) are left out: GTFS-realtime names their instances by start time,
 * which this simulator does not produce.
 */
@Component
public class DemoTimetable implements SimulatedTimetable {

    private final Timetables timetables;

    DemoTimetable(Timetables timetables) {
        this.timetables = timetables;
    }

    @Override
    public List<SimTrip> tripsBetween(Instant from, Instant to) {
        return timetables.current(DemoRealtime.DEMO_FEED_ID).map(t -> tripsBetween(t, from, to)).orElse(List.of());
    }

    public static List<SimTrip> tripsBetween(Timetables.Timetable t, Instant from, Instant to) {
        List<SimTrip> out = new ArrayList<>();
        LocalDate first = LocalDate.ofInstant(from, t.zone()).minusDays(2);
        LocalDate last = LocalDate.ofInstant(to, t.zone());
        for (Timetables.Trip trip : t.trips().values()) {
            if (trip.frequencyBased()) continue;
            for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
                if (!t.calendar().isActive(trip.serviceId(), d)) continue;
                Instant[] span = trip.span(d, t.zone());
                if (span[0].isAfter(to) || span[1].isBefore(from)) continue;
                out.add(new SimTrip(trip.routeId(), d, t.plan(trip, d)));
            }
        }
        return out;
    }
}
