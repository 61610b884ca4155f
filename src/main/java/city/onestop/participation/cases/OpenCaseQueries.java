package city.onestop.participation.cases;

import city.onestop.participation.OpenCases;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** {@link OpenCases} for the dashboard. */
@Component
class OpenCaseQueries implements OpenCases {

    private final Cases cases;

    OpenCaseQueries(Cases cases) {
        this.cases = cases;
    }

    @Override
    public Mono<List<OpenCase>> openCases(UUID citizenId, int limit) {
        return cases.openCases(citizenId, limit).map(list -> list.stream()
                .map(c -> new OpenCase(c.id(), c.reference(), c.title(), c.status().name(), c.department().name(), c.nextDeadline(),
                        c.overdue()))
                .toList());
    }
}
