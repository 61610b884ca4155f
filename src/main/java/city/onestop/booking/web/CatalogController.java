package city.onestop.booking.web;

import city.onestop.booking.Catalogue;
import city.onestop.booking.Cursor;
import city.onestop.booking.Views;
import city.onestop.platform.Page;
import city.onestop.platform.ProblemException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.LocalDate;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/booking")
@Tag(name = "Booking catalogue", description = "Hospitals, departments, doctors and free slots; no token needed")
class CatalogController {

    private final Catalogue catalog;

    CatalogController(Catalogue catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/hospitals")
    @SecurityRequirements
    @Operation(operationId = "searchHospitals", summary = "Hospitals by name and/or nearest to a point")
    Mono<Page<Views.Hospital>> hospitals(@RequestParam(required = false) Double lat, @RequestParam(required = false) Double lon,
            @RequestParam(required = false) String q, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        if ((lat == null) != (lon == null)) {
            throw ProblemException.badRequest("INVALID_LOCATION", "Send both lat and lon, or neither");
        }
        if (lat != null && (lat < -90 || lat > 90 || lon < -180 || lon > 180)) {
            throw ProblemException.badRequest("INVALID_LOCATION", "lat must be within ±90 and lon within ±180");
        }
        return catalog.searchHospitals(q, lat, lon, cursor, Cursor.limit(limit));
    }

    @GetMapping("/hospitals/{hospitalId}")
    @SecurityRequirements
    @Operation(operationId = "getHospital", summary = "One hospital, with its release timetable and zone")
    Mono<Views.Hospital> hospital(@PathVariable UUID hospitalId) {
        return catalog.getHospital(hospitalId);
    }

    @GetMapping("/hospitals/{hospitalId}/departments")
    @SecurityRequirements
    @Operation(operationId = "listDepartments", summary = "Departments of a hospital")
    Mono<Page<Views.Department>> departments(@PathVariable UUID hospitalId, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return catalog.listDepartments(hospitalId, cursor, Cursor.limit(limit));
    }

    @GetMapping("/departments/{departmentId}/doctors")
    @SecurityRequirements
    @Operation(operationId = "listDoctors", summary = "Doctors of a department")
    Mono<Page<Views.Doctor>> doctors(@PathVariable UUID departmentId, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return catalog.listDoctors(departmentId, cursor, Cursor.limit(limit));
    }

    @GetMapping("/availability")
    @SecurityRequirements
    @Operation(operationId = "getAvailability",
            summary = "Sessions with their slots (free counts, remaining places, released or not) of a department or doctor, "
                    + "between two dates of the hospital's zone")
    Mono<Page<Views.Session>> availability(@RequestParam(required = false) UUID departmentId,
            @RequestParam(required = false) UUID doctorId, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        if (departmentId == null && doctorId == null) {
            throw ProblemException.badRequest("DEPARTMENT_OR_DOCTOR_REQUIRED", "Send departmentId or doctorId");
        }
        LocalDate fromDate = from == null ? null : Dates.date("from", from);
        LocalDate toDate = to == null ? null : Dates.date("to", to);
        return catalog.availability(departmentId, doctorId, fromDate, toDate, cursor, Cursor.limit(limit));
    }
}
