package city.onestop.booking.web;

import city.onestop.booking.Schedules;
import city.onestop.booking.StaffActions;
import city.onestop.booking.Cursor;
import city.onestop.booking.Views;
import city.onestop.platform.Page;
import city.onestop.platform.ProblemException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Staff tools, always scoped to the one hospital the staff member works for: other hospitals' ids are 404. */
@RestController
@RequestMapping("/api/v1/booking/staff")
@Tag(name = "Booking staff", description = "Hospital staff: catalogue, schedules, suspension, check-in, a day's list")
class StaffController {

    private final StaffActions staff;
    private final Schedules schedules;

    StaffController(StaffActions staff, Schedules schedules) {
        this.staff = staff;
        this.schedules = schedules;
    }

    record NewDepartment(@NotBlank @Size(max = 100) String name, @Size(max = 500) String description) {}

    record Money(@NotNull @Pattern(regexp = "\\d{1,7}(\\.\\d{1,2})?") String amount, @NotNull @Pattern(regexp = "CNY") String currency) {}

    record NewDoctor(@NotNull UUID departmentId, @NotBlank @Size(max = 100) String name, @NotBlank @Size(max = 50) String title,
            @Size(max = 200) String specialty, @NotNull @Valid Money registrationFee) {}

    record NewSchedule(@NotNull UUID doctorId, @NotNull String date, @NotNull @Pattern(regexp = "MORNING|AFTERNOON|EVENING") String period,
            String startTime, String endTime, @Min(1) @Max(200) int slotCount, @Min(1) @Max(1000) int capacityPerSlot) {}

    record SuspendRequest(@NotBlank @Size(max = 200) String reason) {}

    record CapacityRequest(@Min(0) @Max(10000) int capacity) {}

    @PostMapping("/departments")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "staffCreateDepartment", summary = "Add a department to my hospital")
    Mono<Views.Department> createDepartment(@Valid @RequestBody NewDepartment request) {
        return staff.createDepartment(request.name().trim(), request.description());
    }

    @PostMapping("/doctors")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "staffCreateDoctor", summary = "Add a doctor to a department of my hospital")
    Mono<Views.Doctor> createDoctor(@Valid @RequestBody NewDoctor request) {
        long fen = new BigDecimal(request.registrationFee().amount()).movePointRight(2).longValueExact();
        return staff.createDoctor(request.departmentId(), request.name().trim(), request.title().trim(), request.specialty(), fen);
    }

    @PostMapping("/schedules")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "staffCreateSchedule",
            summary = "Open a doctor's session on a date (hospital time), split into numbered slots; released by the timetable")
    Mono<Views.Session> createSchedule(@Valid @RequestBody NewSchedule request) {
        LocalDate date = Dates.date("date", request.date());
        LocalTime start = request.startTime() == null ? defaultStart(request.period()) : Dates.time("startTime", request.startTime());
        LocalTime end = request.endTime() == null ? defaultEnd(request.period()) : Dates.time("endTime", request.endTime());
        if (!end.isAfter(start)) {
            throw ProblemException.badRequest("INVALID_TIME", "endTime must be after startTime");
        }
        return schedules.open(new Schedules.NewSession(request.doctorId(), date, request.period(), start, end, request.slotCount(),
                request.capacityPerSlot()));
    }

    private static LocalTime defaultStart(String period) {
        return switch (period) {
            case "MORNING" -> LocalTime.of(8, 0);
            case "AFTERNOON" -> LocalTime.of(13, 30);
            default -> LocalTime.of(18, 0);
        };
    }

    private static LocalTime defaultEnd(String period) {
        return switch (period) {
            case "MORNING" -> LocalTime.of(12, 0);
            case "AFTERNOON" -> LocalTime.of(17, 30);
            default -> LocalTime.of(21, 0);
        };
    }

    @PostMapping("/schedules/{scheduleId}/suspend")
    @Operation(operationId = "staffSuspendSchedule",
            summary = "Suspend a session (停诊): its slots close, its appointments are cancelled and each patient is notified")
    Mono<Schedules.Suspension> suspend(@PathVariable UUID scheduleId, @Valid @RequestBody SuspendRequest request) {
        return schedules.suspend(scheduleId, request.reason().trim());
    }

    @PutMapping("/slots/{slotId}/capacity")
    @Operation(operationId = "staffSetSlotCapacity", summary = "Change a slot's capacity (never below what is booked)")
    Mono<CapacityRequest> capacity(@PathVariable UUID slotId, @Valid @RequestBody CapacityRequest request) {
        return schedules.setCapacity(slotId, request.capacity()).thenReturn(request);
    }

    @GetMapping("/appointments")
    @Operation(operationId = "staffListDay", summary = "My hospital's appointments on one day, in time order")
    Mono<Page<Views.Appointment>> day(@RequestParam String date, @RequestParam(required = false) UUID departmentId,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        LocalDate day = Dates.date("date", date);
        int pageSize = Cursor.limit(limit);
        Cursor position = Cursor.decode(cursor);
        return staff.listDay(day, departmentId, position, pageSize);
    }

    @GetMapping("/appointments/{id}")
    @Operation(operationId = "staffGetAppointment", summary = "An appointment of my hospital with its status history")
    Mono<StaffActions.StaffAppointment> appointment(@PathVariable UUID id) {
        return staff.getAppointment(id);
    }

    @PostMapping("/appointments/{id}/check-in")
    @Operation(operationId = "staffCheckIn", summary = "Check a patient in (BOOKED or ARRIVED → CHECKED_IN)")
    Mono<Views.Appointment> checkIn(@PathVariable UUID id) {
        return staff.checkIn(id);
    }

    @PostMapping("/appointments/{id}/fulfil")
    @Operation(operationId = "staffFulfil", summary = "Mark a visit done (CHECKED_IN or ARRIVED → FULFILLED)")
    Mono<Views.Appointment> fulfil(@PathVariable UUID id) {
        return staff.fulfil(id);
    }
}
