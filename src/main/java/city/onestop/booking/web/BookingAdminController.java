package city.onestop.booking.web;

import city.onestop.booking.AdminActions;
import city.onestop.booking.Views;
import city.onestop.platform.ProblemException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** City administrators: register hospitals, assign staff, lift booking suspensions. ADMIN role (platform rule). */
@RestController
@RequestMapping("/api/v1/admin/booking")
@Tag(name = "Booking administration", description = "Hospitals, staff assignment, suspension lifting")
class BookingAdminController {

    private final AdminActions admin;

    BookingAdminController(AdminActions admin) {
        this.admin = admin;
    }

    record NewHospital(@NotBlank @Size(max = 200) String name, @NotBlank @Size(max = 300) String address,
            @DecimalMin("-90") @DecimalMax("90") Double lat, @DecimalMin("-180") @DecimalMax("180") Double lon,
            @NotBlank @Size(max = 50) String level, @Size(max = 50) String phone, String zone,
            @Min(0) @Max(90) Integer releaseDaysAhead, String releaseTime, @Min(0) @Max(30) Integer cancelDeadlineDaysBefore) {}

    @PostMapping("/hospitals")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "adminCreateHospital",
            summary = "Register a hospital with its zone (default Asia/Shanghai), release timetable (default 7 days ahead at 07:00) "
                    + "and cancel deadline (default 0 days: until 00:00 of the visit day)")
    Mono<Views.Hospital> create(@Valid @RequestBody NewHospital request) {
        String zone = request.zone() == null ? "Asia/Shanghai" : request.zone();
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw ProblemException.badRequest("INVALID_ZONE", "zone must be an IANA time zone such as Asia/Shanghai");
        }
        LocalTime releaseTime = request.releaseTime() == null ? LocalTime.of(7, 0) : Dates.time("releaseTime", request.releaseTime());
        return admin.createHospital(new AdminActions.NewHospital(request.name().trim(), request.address().trim(),
                request.lat(), request.lon(), request.level().trim(), request.phone(), zone,
                request.releaseDaysAhead() == null ? 7 : request.releaseDaysAhead(), releaseTime,
                request.cancelDeadlineDaysBefore() == null ? 0 : request.cancelDeadlineDaysBefore()));
    }

    @PutMapping("/hospitals/{hospitalId}/staff/{citizenId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "adminAssignStaff",
            summary = "Make a citizen staff of this hospital (their token must also carry the HOSPITAL_STAFF role)")
    Mono<Void> assign(@PathVariable UUID hospitalId, @PathVariable UUID citizenId) {
        return admin.assignStaff(hospitalId, citizenId);
    }

    @PostMapping("/suspensions/{citizenId}/lift")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "adminLiftBookingSuspension", summary = "Lift a citizen's no-show booking suspension")
    Mono<Void> lift(@PathVariable UUID citizenId) {
        return admin.liftSuspension(citizenId);
    }
}
