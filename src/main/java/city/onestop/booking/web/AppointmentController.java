package city.onestop.booking.web;

import city.onestop.booking.Bookings;
import city.onestop.booking.Cursor;
import city.onestop.booking.Views;
import city.onestop.platform.Page;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.Idempotency;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/booking")
@Tag(name = "Booking", description = "Hold, book, see, cancel and reschedule hospital appointments")
class AppointmentController {

    private final Bookings booking;

    AppointmentController(Bookings booking) {
        this.booking = booking;
    }

    record HoldRequest(@NotNull UUID slotId, UUID patientId) {}

    record RescheduleRequest(@NotNull UUID slotId) {}

    @PostMapping("/holds")
    @Operation(operationId = "holdSlot",
            summary = "Hold a place in a slot for a few minutes (status PENDING); book it with holdId. An optional "
                    + "Idempotency-Key makes a retry replay the first hold instead of taking a second place",
            responses = @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "201",
                    description = "Held; a retry with the same key gets the same answer with Idempotent-Replayed: true",
                    content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                            schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = Views.Appointment.class))))
    Mono<ResponseEntity<Object>> hold(
            @Parameter(description = "Optional: a UUID generated once per intended hold") @RequestHeader(name = Idempotency.HEADER, required = false)
                    String key,
            @Valid @RequestBody HoldRequest request) {
        return CurrentUser.get().flatMap(user -> booking.hold(user.id(), key, request.slotId(), request.patientId()));
    }

    @PostMapping("/appointments")
    @Operation(operationId = "bookAppointment",
            summary = "Book a slot (or confirm a hold) for yourself or a bound family member; needs an Idempotency-Key",
            responses = @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "201",
                    description = "Booked; a retry with the same key gets the same answer with Idempotent-Replayed: true",
                    content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                            schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = Views.Appointment.class))))
    Mono<ResponseEntity<Object>> book(
            @Parameter(description = "A UUID generated once per intended booking") @RequestHeader(name = Idempotency.HEADER, required = false)
                    String key,
            @RequestBody Bookings.BookRequest request) {
        return CurrentUser.get().flatMap(user -> booking.book(user.id(), key, request));
    }

    @GetMapping("/appointments")
    @Operation(operationId = "listMyAppointments", summary = "My appointments, newest first")
    Mono<Page<Views.Appointment>> mine(@RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        int pageSize = Cursor.limit(limit);
        Cursor position = Cursor.decode(cursor);
        return CurrentUser.get().flatMap(user -> booking.listAppointments(user.id(), position, pageSize));
    }

    @GetMapping("/appointments/{id}")
    @Operation(operationId = "getMyAppointment", summary = "One of my appointments")
    Mono<Views.Appointment> get(@PathVariable UUID id) {
        return CurrentUser.get().flatMap(user -> booking.getAppointment(user.id(), id));
    }

    @PostMapping("/appointments/{id}/cancel")
    @Operation(operationId = "cancelMyAppointment", summary = "Cancel before the hospital's deadline; the place is freed at once")
    Mono<Views.Appointment> cancel(@PathVariable UUID id) {
        return CurrentUser.get().flatMap(user -> booking.cancel(user.id(), id));
    }

    @PostMapping("/appointments/{id}/reschedule")
    @Operation(operationId = "rescheduleMyAppointment",
            summary = "Move to another slot of the same doctor: cancel and book in one transaction; returns the new appointment. "
                    + "An optional Idempotency-Key makes a retry replay the first move",
            responses = @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "201",
                    description = "Moved; a retry with the same key gets the same answer with Idempotent-Replayed: true",
                    content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                            schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = Views.Appointment.class))))
    Mono<ResponseEntity<Object>> reschedule(@PathVariable UUID id,
            @Parameter(description = "Optional: a UUID generated once per intended move") @RequestHeader(name = Idempotency.HEADER, required = false)
                    String key,
            @Valid @RequestBody RescheduleRequest request) {
        return CurrentUser.get().flatMap(user -> booking.reschedule(user.id(), id, request.slotId(), key));
    }
}
