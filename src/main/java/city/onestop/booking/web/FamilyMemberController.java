package city.onestop.booking.web;

import city.onestop.booking.Families;
import city.onestop.booking.Views;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.ProblemException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/me/family-members")
@Tag(name = "Family members", description = "People a citizen books for (children, parents)")
class FamilyMemberController {

    private final Families people;
    private final Clock clock;

    FamilyMemberController(Families people, Clock clock) {
        this.people = people;
        this.clock = clock;
    }

    record NewFamilyMember(@NotBlank @Size(max = 50) String name, @NotBlank String idNumber, @NotBlank @Size(max = 30) String relationship) {}

    record FamilyMembers(List<Views.FamilyMember> items) {}

    @GetMapping
    @Operation(operationId = "listFamilyMembers", summary = "My bound family members (ID numbers masked)")
    Mono<FamilyMembers> list() {
        return CurrentUser.get().flatMap(user -> people.list(user.id())).map(FamilyMembers::new);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "addFamilyMember", summary = "Bind a family member by name and resident ID number; book for them with patientId")
    Mono<Views.FamilyMember> add(@Valid @RequestBody NewFamilyMember request) {
        String idNumber = request.idNumber().trim().toUpperCase(Locale.ROOT);
        if (!ResidentIdNumbers.isValid(idNumber, LocalDate.now(clock.withZone(ZoneId.of("Asia/Shanghai"))))) {
            return Mono.error(ProblemException.badRequest("INVALID_ID_NUMBER", "idNumber is not a valid 18-character resident ID number"));
        }
        return CurrentUser.get().flatMap(user -> people.add(user.id(), request.name().trim(), idNumber,
                request.relationship().trim()));
    }
}
