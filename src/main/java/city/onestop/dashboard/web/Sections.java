package city.onestop.dashboard.web;

import city.onestop.billing.BillingSummaries;
import city.onestop.billing.Money;
import city.onestop.booking.UpcomingAppointments;
import city.onestop.citizen.FavoriteStops;
import city.onestop.notification.Notifications;
import city.onestop.participation.OpenCases;
import city.onestop.transit.StopBoards;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The sections, each reading one module's public face; the order here is the order in the response. */
@Configuration(proxyBeanMethods = false)
class Sections {

    static final int ARRIVALS_PER_STOP = 3;
    static final Duration APPOINTMENTS_AHEAD = Duration.ofDays(14);
    static final int OPEN_CASES = 10;

    @Bean
    @Order(1)
    DashboardSection favouriteStopsSection(FavoriteStops favorites, StopBoards boards) {
        return section("favouriteStops", citizen -> favorites.listFavoriteStops(citizen)
                .flatMapMany(Flux::fromIterable)
                // One stop's board failing does not hide the others: that stop shows an empty, flagged list.
                .flatMapSequential(stop -> boards.nextArrivals(stop, ARRIVALS_PER_STOP)
                        .zipWith(boards.activeAlerts(stop, null).onErrorReturn(List.of()))
                        .map(t -> stop(stop, "OK", t.getT1(), t.getT2()))
                        .onErrorResume(e -> Mono.just(stop(stop, "UNAVAILABLE", List.of(), List.of()))), 4)
                .collectList()
                .map(stops -> Map.of("stops", stops)));
    }

    @Bean
    @Order(2)
    DashboardSection unpaidBillsSection(BillingSummaries billing) {
        return section("unpaidBills", citizen -> billing.unpaidBills(citizen, 50).map(bills -> {
            BigDecimal total = BigDecimal.ZERO;
            for (var b : bills) total = total.add(new BigDecimal(b.total().amount()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("total", Money.ofFen(total.movePointRight(2).longValueExact()));
            m.put("bills", bills);
            return m;
        }));
    }

    @Bean
    @Order(3)
    DashboardSection upcomingAppointmentsSection(UpcomingAppointments appointments) {
        return section("upcomingAppointments", citizen -> appointments.upcoming(citizen, APPOINTMENTS_AHEAD, 20)
                .map(list -> Map.of("appointments", list)));
    }

    @Bean
    @Order(4)
    DashboardSection unreadNotificationsSection(Notifications notifications) {
        return section("unreadNotifications", citizen -> notifications.countUnread(citizen).map(n -> Map.of("count", n)));
    }

    @Bean
    @Order(5)
    DashboardSection openCasesSection(OpenCases cases) {
        return section("openCases", citizen -> cases.openCases(citizen, OPEN_CASES).map(list -> Map.of("cases", list)));
    }

    private static Map<String, Object> stop(String stopId, String status, List<StopBoards.UpcomingArrival> arrivals,
            List<StopBoards.StopAlert> alerts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stopId", stopId);
        m.put("status", status);
        m.put("arrivals", arrivals);
        // Service alerts riders at this stop should know (stop closed, line detoured), in the city's language.
        m.put("alerts", alerts);
        return m;
    }

    private static DashboardSection section(String name, java.util.function.Function<UUID, Mono<Map<String, Object>>> loader) {
        return new DashboardSection() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Mono<Map<String, Object>> load(UUID citizenId) {
                return loader.apply(citizenId);
            }
        };
    }
}
