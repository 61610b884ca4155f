package city.onestop.participation.web;

import city.onestop.participation.ratings.Ratings;
import city.onestop.platform.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Ratings (好差评) of services the citizen used, and their public figures. */
@RestController
@Tag(name = "Ratings", description = "Rate a completed payment, a fulfilled appointment or a closed case, once (好差评)")
class RatingController {

    private final Ratings ratings;

    RatingController(Ratings ratings) {
        this.ratings = ratings;
    }

    record SubjectBody(@NotNull Ratings.SubjectKind kind, @NotNull UUID id) {}

    record RatingBody(@NotNull @Valid SubjectBody subject, @NotNull @Min(1) @Max(5) Integer score, @Size(max = 1000) String text) {}

    @PostMapping(path = "/api/v1/ratings", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "rateService", summary = "Rate, once, a payment, appointment or case of mine; 1 or 2 opens a follow-up case")
    Mono<Ratings.Rating> rate(@Valid @RequestBody RatingBody body) {
        String text = body.text() == null || body.text().isBlank() ? null : body.text().trim();
        return WebErrors.mapped(CurrentUser.get()
                .flatMap(user -> ratings.rate(user.id(), body.subject().kind(), body.subject().id(), body.score(), text)));
    }

    @GetMapping(path = "/api/v1/public/ratings", produces = MediaType.APPLICATION_JSON_VALUE)
    @SecurityRequirements
    @Operation(operationId = "publicRatings", summary = "Ratings per department and service: count, average, how many of each score")
    Mono<Map<String, List<Ratings.ServiceAggregate>>> aggregates(@RequestParam(required = false) UUID departmentId) {
        return ratings.aggregates(departmentId).map(items -> Map.of("items", items));
    }
}
