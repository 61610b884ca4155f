package city.onestop.transit.schedule;

import city.onestop.transit.gtfs.GtfsFeed.Calendar;
import city.onestop.transit.gtfs.GtfsFeed.CalendarDate;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Which services run on a service date: calendar.txt weekdays within its range, then calendar_dates.txt exceptions. */
public final class ServiceCalendar {

    private final Map<String, Calendar> calendars = new HashMap<>();
    private final Map<String, Map<LocalDate, Integer>> exceptions = new HashMap<>();

    public ServiceCalendar(List<Calendar> calendars, List<CalendarDate> dates) {
        calendars.forEach(c -> this.calendars.put(c.serviceId(), c));
        dates.forEach(d -> exceptions.computeIfAbsent(d.serviceId(), k -> new HashMap<>()).put(d.date(), d.exceptionType()));
    }

    public boolean isActive(String serviceId, LocalDate date) {
        Integer exception = exceptions.getOrDefault(serviceId, Map.of()).get(date);
        if (exception != null) return exception == 1;
        Calendar c = calendars.get(serviceId);
        return c != null && !date.isBefore(c.startDate()) && !date.isAfter(c.endDate())
                && (c.weekdays() & (1 << (date.getDayOfWeek().getValue() - 1))) != 0;
    }

    /**
     * The instant GTFS times of {@code date} count from: noon minus 12 h in the agency's zone, which is midnight
     * except on DST change days (then 23:00 or 01:00), as the GTFS reference defines.
     */
    public static Instant serviceDayStart(LocalDate date, ZoneId zone) {
        return ServiceDays.instant(date, 0, zone);
    }
}
