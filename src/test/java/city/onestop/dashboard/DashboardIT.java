package city.onestop.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures;
import city.onestop.billing.Utility;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.platform.AccessTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

@IntegrationTest
class DashboardIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired ProviderEndpoint endpoint;
    @Autowired Clock clock;

    @Test
    @SuppressWarnings("unchecked")
    void showsFavouriteStopBillsAppointmentsAndUnreadCountOfTheCitizen() {
        var billing = new BillingFixtures(web, tokens, db, endpoint);
        var citizen = billing.citizen();
        var billed = billing.billedAccount(citizen, Utility.WATER, "12.5");
        Map<String, Object> bill = get(citizen.token(), "/api/v1/billing/bills/" + billed.billId());

        String stopId = DashboardFixtures.demoStop(web, tokens);
        web.put().uri("/api/v1/me/favorites/stops/{s}", stopId).headers(h -> h.setBearerAuth(citizen.token()))
                .exchange().expectStatus().isCreated();

        var booked = DashboardFixtures.bookAppointment(web, tokens, clock, citizen.id(), citizen.token());
        // The booking's notice is delivered from the outbox after the commit: wait for it, so the dashboard's unread
        // count and the list compared below see the same notifications.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ((List<Map<String, Object>>) get(citizen.token(),
                "/api/v1/me/notifications?limit=100").get("items")).stream().anyMatch(n -> "APPOINTMENT_BOOKED".equals(n.get("type"))));

        // The first read of a freshly imported feed loads its timetable into memory, which can take longer than a
        // section's 300 ms on this shared machine: warm it through the departures endpoint, and allow two more tries
        // for a scheduling hiccup (a TIMEOUT, never an ERROR).
        // The transit departures endpoint (another path over the same timetable) says whether buses come within 2 hours.
        Map<String, Object> departures = get(citizen.token(), "/api/v1/transit/stops/" + stopId + "/departures?duration=120&limit=10");
        Map<String, Object> dashboard = get(citizen.token(), "/api/v1/me/dashboard");
        for (int attempt = 0; attempt < 2 && dashboard.values().stream().anyMatch(v -> !"OK".equals(((Map<?, ?>) v).get("status"))); attempt++) {
            assertThat(dashboard.values()).allSatisfy(v -> assertThat(((Map<?, ?>) v).get("reason")).isNotEqualTo("ERROR"));
            dashboard = get(citizen.token(), "/api/v1/me/dashboard");
        }
        assertThat(dashboard).containsOnlyKeys("favouriteStops", "unpaidBills", "upcomingAppointments", "unreadNotifications",
                "openCases");

        var stops = (Map<String, Object>) dashboard.get("favouriteStops");
        assertThat(stops.get("status")).isEqualTo("OK");
        var stopList = (List<Map<String, Object>>) stops.get("stops");
        assertThat(stopList).singleElement().satisfies(s -> {
            assertThat(s.get("stopId")).isEqualTo(stopId);
            assertThat((List<?>) s.get("arrivals")).hasSizeLessThanOrEqualTo(3);
        });
        var arrivals = (List<Map<String, Object>>) stopList.get(0).get("arrivals");
        if (((List<?>) departures.get("items")).size() >= 4) {
            assertThat(arrivals).hasSize(3);
        }
        OffsetDateTime previous = null;
        for (var a : arrivals) {
            assertThat(a.get("status")).isEqualTo("SCHEDULED");
            OffsetDateTime at = OffsetDateTime.parse((String) a.get("scheduledArrival"));
            assertThat(at).isAfterOrEqualTo(OffsetDateTime.now(clock).minusMinutes(1)).isBefore(OffsetDateTime.now(clock).plusHours(2));
            if (previous != null) assertThat(at).isAfterOrEqualTo(previous);
            previous = at;
        }

        var bills = (Map<String, Object>) dashboard.get("unpaidBills");
        assertThat(bills.get("status")).isEqualTo("OK");
        assertThat((List<Map<String, Object>>) bills.get("bills")).singleElement().satisfies(b -> {
            assertThat(b.get("id")).isEqualTo(billed.billId().toString());
            assertThat(b.get("total")).isEqualTo(bill.get("total"));
            assertThat(b.get("dueDate")).isEqualTo(bill.get("dueDate"));
            assertThat(b.get("utility")).isEqualTo("WATER");
        });
        assertThat(bills.get("total")).isEqualTo(bill.get("total"));

        var appointments = (Map<String, Object>) dashboard.get("upcomingAppointments");
        assertThat(appointments.get("status")).isEqualTo("OK");
        assertThat((List<Map<String, Object>>) appointments.get("appointments")).singleElement().satisfies(a -> {
            assertThat(a.get("id")).isEqualTo(booked.toString());
            assertThat(a.get("status")).isEqualTo("BOOKED");
        });

        long unread = ((List<Map<String, Object>>) get(citizen.token(), "/api/v1/me/notifications?limit=100").get("items")).stream()
                .filter(n -> n.get("readAt") == null).count();
        assertThat((Map<String, Object>) dashboard.get("unreadNotifications"))
                .containsEntry("status", "OK")
                .containsEntry("count", (int) unread);
    }

    @Test
    @SuppressWarnings("unchecked")
    void servesTheOtherSectionsWithinBudgetWhenBillingIsSlow() {
        var billing = new BillingFixtures(web, tokens, db, endpoint);
        var citizen = billing.citizen();
        billing.billedAccount(citizen, Utility.ELECTRICITY, "80");
        FaultyBillingSummaries.slowFor(citizen.id(), Duration.ofSeconds(20));
        try {
            get(citizen.token(), "/api/v1/me/dashboard"); // warm the path so the timing below is the dashboard's
            long started = System.nanoTime();
            Map<String, Object> dashboard = get(citizen.token(), "/api/v1/me/dashboard");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat((Map<String, Object>) dashboard.get("unpaidBills"))
                    .isEqualTo(Map.of("status", "UNAVAILABLE", "reason", "TIMEOUT"));
            assertThat((Map<String, Object>) dashboard.get("favouriteStops")).containsEntry("status", "OK");
            assertThat((Map<String, Object>) dashboard.get("upcomingAppointments")).containsEntry("status", "OK");
            assertThat((Map<String, Object>) dashboard.get("unreadNotifications")).containsEntry("status", "OK");
            // Billing would take 20 s; the section timeout is 300 ms. The bound leaves room for a busy 2-core machine.
            assertThat(took).isLessThan(Duration.ofSeconds(3));
        } finally {
            FaultyBillingSummaries.clear(citizen.id());
        }
        Map<String, Object> healthy = get(citizen.token(), "/api/v1/me/dashboard");
        assertThat((Map<String, Object>) healthy.get("unpaidBills")).containsEntry("status", "OK");
    }

    @Test
    @SuppressWarnings("unchecked")
    void showsAFailingSectionAsUnavailableWithoutInternals() {
        var billing = new BillingFixtures(web, tokens, db, endpoint);
        var citizen = billing.citizen();
        FaultyBillingSummaries.failingFor(citizen.id());
        try {
            Map<String, Object> dashboard = get(citizen.token(), "/api/v1/me/dashboard");
            assertThat((Map<String, Object>) dashboard.get("unpaidBills")).isEqualTo(Map.of("status", "UNAVAILABLE", "reason", "ERROR"));
            assertThat((Map<String, Object>) dashboard.get("unreadNotifications")).containsEntry("status", "OK");
        } finally {
            FaultyBillingSummaries.clear(citizen.id());
        }
    }

    @Test
    void needsAToken() {
        web.get().uri("/api/v1/me/dashboard").exchange().expectStatus().isUnauthorized();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> get(String token, String uri) {
        return web.get().uri(uri).headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

}
