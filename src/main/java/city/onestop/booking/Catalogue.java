package city.onestop.booking;

import city.onestop.platform.Page;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * The public catalogue: hospitals, departments, doctors, and availability (sessions with their free places),
 * the last through the Redis availability cache (cache-aside; PostgreSQL when Redis is down). Reads only.
 */
@Service
public class Catalogue {

    private static final int MAX_RANGE_DAYS = 31;

    private final CatalogueRepository catalogue;
    private final SlotRepository slots;
    private final AvailabilityCache cache;
    private final Clock clock;

    Catalogue(CatalogueRepository catalogue, SlotRepository slots, AvailabilityCache cache, Clock clock) {
        this.catalogue = catalogue;
        this.slots = slots;
        this.cache = cache;
        this.clock = clock;
    }

    public Mono<Page<Views.Hospital>> searchHospitals(@Nullable String q, @Nullable Double lat, @Nullable Double lon,
            @Nullable String cursor, int limit) {
        return catalogue.searchHospitals(q, lat, lon, cursor, limit);
    }

    public Mono<Views.Hospital> getHospital(UUID id) {
        return catalogue.getHospital(id);
    }

    public Mono<Page<Views.Department>> listDepartments(UUID hospitalId, @Nullable String cursor, int limit) {
        return catalogue.listDepartments(hospitalId, cursor, limit);
    }

    public Mono<Page<Views.Doctor>> listDoctors(UUID departmentId, @Nullable String cursor, int limit) {
        return catalogue.listDoctors(departmentId, cursor, limit);
    }

    /**
     * Sessions of a department (or one doctor of it) between two dates of the hospital's zone: from today and a
     * week long unless asked, at most {@value #MAX_RANGE_DAYS} days, never in the past.
     */
    public Mono<Page<Views.Session>> availability(@Nullable UUID departmentId, @Nullable UUID doctorId, @Nullable LocalDate from,
            @Nullable LocalDate to, @Nullable String cursor, int limit) {
        Cursor position = Cursor.decode(cursor);
        Instant now = clock.instant();
        return slots.availabilityScope(departmentId, doctorId).flatMap(scope -> {
            LocalDate today = LocalDate.ofInstant(now, scope.zone());
            LocalDate start = from == null ? today : from;
            LocalDate end = to == null ? start.plusDays(6) : to;
            if (start.isBefore(today)) {
                return Mono.error(new BookingError.DateInPast("from is before today (" + today + ") in the hospital's zone"));
            }
            if (end.isBefore(start)) {
                return Mono.error(new BookingError.InvalidDateRange("to is before from"));
            }
            if (end.isAfter(start.plusDays(MAX_RANGE_DAYS - 1))) {
                return Mono.error(new BookingError.InvalidDateRange("At most " + MAX_RANGE_DAYS + " days at once"));
            }
            String query = (doctorId == null ? "-" : doctorId) + ":" + start + ":" + end + ":" + (cursor == null ? "-" : cursor)
                    + ":" + limit;
            return cache.get(scope.departmentId(), query, () -> slots.availability(scope, start, end, position, limit, now));
        });
    }
}
