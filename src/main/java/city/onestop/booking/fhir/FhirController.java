package city.onestop.booking.fhir;

import ca.uhn.fhir.context.FhirContext;
import city.onestop.booking.FhirReads;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.ProblemException;
import city.onestop.platform.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A FHIR R4 read view for hospital systems: Slots of a Schedule and single Appointments, as
 * {@code application/fhir+json}. HAPI is used for the model and JSON only; encoding runs on boundedElastic
 * because HAPI may load and scan model classes lazily.
 */
@RestController
@RequestMapping("/fhir/r4")
@Tag(name = "FHIR R4", description = "Read-only FHIR R4 view of slots and appointments (token required)")
class FhirController {

    static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

    private final FhirContext fhir;
    private final FhirSlots slots;
    private final FhirReads reads;

    FhirController(FhirContext fhir, FhirSlots slots, FhirReads reads) {
        this.fhir = fhir;
        this.slots = slots;
        this.reads = reads;
    }

    @GetMapping(value = "/Slot", produces = {"application/fhir+json", "application/json"})
    @Operation(operationId = "fhirSearchSlots", summary = "FHIR Slot search: schedule=Schedule/{id} (required), start=ge|gt|le|lt<date or dateTime>")
    Mono<ResponseEntity<String>> searchSlots(@RequestParam String schedule, @RequestParam(required = false) List<String> start,
            ServerWebExchange exchange) {
        UUID scheduleId;
        try {
            scheduleId = UUID.fromString(schedule.startsWith("Schedule/") ? schedule.substring("Schedule/".length()) : schedule);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("INVALID_SCHEDULE", "schedule must be Schedule/{id} or an id");
        }
        List<FhirSlots.StartBound> bounds = start == null ? List.of() : start.stream().map(FhirSlots.StartBound::parse).toList();
        String self = exchange.getRequest().getURI().toString();
        return slots.search(scheduleId, bounds, self).flatMap(this::encode);
    }

    @GetMapping(value = "/Appointment/{id}", produces = {"application/fhir+json", "application/json"})
    @Operation(operationId = "fhirReadAppointment", summary = "FHIR Appointment read, for the patient who booked it or staff of its hospital")
    Mono<ResponseEntity<String>> appointment(@PathVariable UUID id) {
        return CurrentUser.get()
                .flatMap(user -> reads.findAppointment(user.id(), user.has(Role.HOSPITAL_STAFF), id))
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Appointment", id.toString())))
                .map(FhirMapper::appointment)
                .flatMap(this::encode);
    }

    private Mono<ResponseEntity<String>> encode(IBaseResource resource) {
        return Mono.fromCallable(() -> fhir.newJsonParser().encodeResourceToString(resource))
                .subscribeOn(Schedulers.boundedElastic())
                .map(json -> ResponseEntity.ok().contentType(FHIR_JSON).body(json));
    }
}
