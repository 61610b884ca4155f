package city.onestop.participation.web;

import city.onestop.participation.publication.Publication;
import city.onestop.platform.Cursors;
import city.onestop.platform.Keyset;
import city.onestop.platform.Page;
import city.onestop.platform.ProblemException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The published side of participation: replied cases (masked) and monthly figures; no token needed. */
@RestController
@RequestMapping(path = "/api/v1/public/cases", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Participation public", description = "Published replies and figures (政民互动公开)")
class PublicCaseController {

    static final int MAX_MONTHS = 36;

    private final Publication publication;
    private final Clock clock;
    private final city.onestop.participation.cases.ParticipationProperties properties;

    PublicCaseController(Publication publication, Clock clock, city.onestop.participation.cases.ParticipationProperties properties) {
        this.publication = publication;
        this.clock = clock;
        this.properties = properties;
    }

    @GetMapping
    @SecurityRequirements
    @Operation(operationId = "listPublicCases",
            summary = "Replied cases whose submitters agreed to publication, personal data masked, latest reply first")
    Mono<Page<Publication.PublicCase>> list(@RequestParam(required = false) UUID departmentId, @RequestParam(required = false) String category,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        int size = Cursors.limit(limit);
        Instant at = null;
        String reference = null;
        Keyset.Position after = Keyset.decode(cursor);
        if (after != null) {
            at = after.instant();
            reference = after.tie();
            if (at == null) throw ProblemException.badRequest("INVALID_CURSOR", "The cursor is not one this API returned");
        }
        return publication.listPublished(departmentId, category, at, reference, size)
                .map(rows -> Page.of(rows, size, c -> Keyset.position(c.repliedAt().toInstant(), c.reference())));
    }

    @GetMapping("/stats")
    @SecurityRequirements
    @Operation(operationId = "publicCaseStats",
            summary = "Per department and month (yyyy-MM, China time): received, replied, replied on time, median time to reply, satisfaction")
    Mono<Map<String, List<Publication.MonthStats>>> stats(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) UUID departmentId) {
        YearMonth now = YearMonth.now(clock.withZone(properties.zone()));
        YearMonth end = to == null ? now : month("to", to);
        YearMonth start = from == null ? end.minusMonths(11) : month("from", from);
        if (start.isAfter(end)) throw ProblemException.badRequest("INVALID_PERIOD", "from must not be after to");
        if (start.plusMonths(MAX_MONTHS).isBefore(end.plusMonths(1))) {
            throw ProblemException.badRequest("INVALID_PERIOD", "at most " + MAX_MONTHS + " months at a time");
        }
        return publication.stats(start, end, departmentId).map(items -> Map.of("items", items));
    }

    private static YearMonth month(String name, String value) {
        try {
            return YearMonth.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("INVALID_PERIOD", name + " must be a month, yyyy-MM");
        }
    }
}
