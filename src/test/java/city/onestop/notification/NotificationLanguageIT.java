package city.onestop.notification;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures;
import city.onestop.billing.ProviderFake;
import city.onestop.billing.Utility;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.citizen.TestCitizens;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.Role;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Texts from the bundles: zh-CN by default, English by the citizen's stored language or Accept-Language. */
@IntegrationTest
class NotificationLanguageIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired ProviderEndpoint endpoint;

    private BillingFixtures.Citizen registered() {
        var r = TestCitizens.register(web);
        UUID id = UUID.fromString(r.id());
        return new BillingFixtures.Citizen(id, tokens.issue(id, Set.of(Role.CITIZEN)).value());
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> notices(BillingFixtures.Citizen c, String type) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            List<Map<String, Object>> items = ((List<Map<String, Object>>) web.get().uri("/api/v1/me/notifications?limit=100")
                    .headers(h -> h.setBearerAuth(c.token())).exchange().expectStatus().isOk()
                    .expectBody(Map.class).returnResult().getResponseBody().get("items"))
                    .stream().filter(n -> type.equals(n.get("type"))).toList();
            if (!items.isEmpty() || System.nanoTime() > deadline) return items;
            city.onestop.notification.delivery.PushServiceFake.pause(100);
        }
    }

    private void pay(BillingFixtures billing, BillingFixtures.Citizen c) {
        var billed = billing.billedAccount(c, Utility.WATER, "6");
        web.post().uri("/api/v1/billing/bills/{b}/payments", billed.billId()).headers(h -> h.setBearerAuth(c.token()))
                .contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", UUID.randomUUID().toString()).bodyValue("{}")
                .exchange().expectStatus().isCreated();
    }

    @Test
    void notificationsSpeakChineseUntilTheCitizenChoosesEnglish() {
        ProviderFake.get().mode(ProviderFake.Mode.APPROVE);
        var billing = new BillingFixtures(web, tokens, db, endpoint);
        var chinese = registered();
        web.get().uri("/api/v1/me/language").headers(h -> h.setBearerAuth(chinese.token())).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.language").isEqualTo("zh-CN");
        pay(billing, chinese);
        assertThat(notices(chinese, "PAYMENT_SUCCEEDED")).singleElement().satisfies(n -> {
            assertThat(n.get("title")).isEqualTo("缴费成功");
            assertThat((String) n.get("body")).startsWith("已收到您缴纳的").contains(" 元");
        });

        var english = registered();
        web.put().uri("/api/v1/me/language").headers(h -> h.setBearerAuth(english.token())).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("language", "en")).exchange().expectStatus().isOk().expectBody().jsonPath("$.language").isEqualTo("en");
        pay(billing, english);
        assertThat(notices(english, "PAYMENT_SUCCEEDED")).singleElement().satisfies(n -> {
            assertThat(n.get("title")).isEqualTo("Payment received");
            assertThat((String) n.get("body")).startsWith("We received your payment of").contains(" CNY");
        });
    }

    @Test
    void problemTitlesAndFixedDetailsFollowAcceptLanguageAndCodesStay() {
        var c = registered();
        web.get().uri("/api/v1/me/notifications?cursor=nonsense").headers(h -> h.setBearerAuth(c.token())).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().valueEquals("Content-Language", "zh-CN")
                .expectBody()
                .jsonPath("$.code").isEqualTo("INVALID_CURSOR")
                .jsonPath("$.type").isEqualTo("/problems/invalid-cursor")
                .jsonPath("$.title").isEqualTo("无效的分页游标")
                .jsonPath("$.detail").isEqualTo("该游标不是本接口返回的");
        web.get().uri("/api/v1/me/notifications?cursor=nonsense").headers(h -> h.setBearerAuth(c.token()))
                .header("Accept-Language", "en-US,en;q=0.9,zh;q=0.5").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().valueEquals("Content-Language", "en")
                .expectBody()
                .jsonPath("$.code").isEqualTo("INVALID_CURSOR")
                .jsonPath("$.title").isEqualTo("Bad request")
                .jsonPath("$.detail").isEqualTo("The cursor is not one this API returned");
        // A code without a title of its own gets its status's title; a dynamic detail is kept as it is.
        web.put().uri("/api/v1/me/language").headers(h -> h.setBearerAuth(c.token())).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("language", "fr")).exchange().expectStatus().isBadRequest().expectBody()
                .jsonPath("$.code").isEqualTo("INVALID_LANGUAGE")
                .jsonPath("$.title").isEqualTo("不支持的语言");
        web.get().uri("/api/v1/me/notifications").header("Accept-Language", "zh-TW").exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.code").isEqualTo("UNAUTHENTICATED").jsonPath("$.title").isEqualTo("未登录");
    }
}
