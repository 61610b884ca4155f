package city.onestop.dashboard.web;

import city.onestop.dashboard.DashboardProperties;
import city.onestop.platform.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Dashboard", description = "What matters today, in one call")
class DashboardController {

    private final DashboardAssembler assembler;

    DashboardController(List<DashboardSection> sections, DashboardProperties properties) {
        this.assembler = new DashboardAssembler(sections, properties);
    }

    @GetMapping("/api/v1/me/dashboard")
    @Operation(operationId = "getMyDashboard", summary = "Favourite stops with next arrivals, unpaid bills, appointments in the next 14 days "
            + "and the unread notification count; each section is {\"status\":\"OK\",...} or {\"status\":\"UNAVAILABLE\",\"reason\":...}")
    Mono<Map<String, Object>> dashboard() {
        return CurrentUser.get().flatMap(u -> assembler.assemble(u.id()));
    }
}
