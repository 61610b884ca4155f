package city.onestop.billing;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures.Citizen;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.citizen.TestCitizens;
import city.onestop.platform.AccessTokens;
import city.onestop.platform.AuditRows;
import city.onestop.platform.sms.SmsFake;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/** Linking utility accounts: at once by ID fingerprint, by a code texted to the holder, by the holder's approval; throttled. */
@IntegrationTest
class BillingLinkingIT {

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired ProviderEndpoint endpoint;

    BillingFixtures fx;
    AuditRows audit;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @BeforeEach
    void setUp() {
        fx = new BillingFixtures(web, tokens, db, endpoint);
        audit = new AuditRows(db);
    }

    /**
     * The link changes billing wrote to the outbox so far (they are written in the change's transaction, so they are
     * there when the response arrives), newest first.
     */
    List<AccountLinkChanged> changes() {
        return db.sql("SELECT CAST(payload AS text) FROM outbox_events WHERE type = 'AccountLinkChanged' ORDER BY created_at DESC LIMIT 500")
                .map(r -> JSON.readValue(r.get(0, String.class), AccountLinkChanged.class))
                .all()
                .collectList()
                .block(Duration.ofSeconds(10));
    }

    record Resident(UUID id, String token, String idNumber, String phone) {}

    Resident resident() {
        TestCitizens.Registered r = TestCitizens.register(web);
        String token = (String) TestCitizens.login(web, r.phone(), r.password()).get("accessToken");
        return new Resident(UUID.fromString(r.id()), token, r.idNumber(), r.phone());
    }

    /** An account whose holder is 测试 市民 (TestCitizens' name) with the given ID number and phone (either may be null). */
    String account(String holderIdNumber, String holderPhone) {
        String number = BillingFixtures.accountNumber();
        Map<String, Object> body = new java.util.HashMap<>(Map.of("utility", "WATER", "accountNumber", number, "serviceAddress",
                "3 Link Lane", "householdSize", 2, "holderName", "测试 市民", "holderIdLast4",
                holderIdNumber == null ? "123X" : holderIdNumber.substring(14)));
        if (holderIdNumber != null) {
            body.put("holderIdNumber", holderIdNumber);
        }
        if (holderPhone != null) {
            body.put("holderPhone", holderPhone);
        }
        web.post().uri("/api/v1/billing/accounts").headers(h -> h.setBearerAuth(fx.operatorToken)).bodyValue(body)
                .exchange().expectStatus().isCreated();
        return number;
    }

    WebTestClient.ResponseSpec requestLink(String token, String number, String last4, String verification) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("utility", "WATER", "accountNumber", number, "holderName", "测试 市民",
                "holderIdLast4", last4));
        if (verification != null) {
            body.put("verification", verification);
        }
        return web.post().uri("/api/v1/billing/accounts/links").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    WebTestClient.ResponseSpec confirm(String token, Object verificationId, String code) {
        return web.post().uri("/api/v1/billing/accounts/links/verifications/{v}/code", verificationId)
                .headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("code", code))
                .exchange();
    }

    long count(String sql, Object id) {
        return fx.count(sql, id);
    }

    static String phone() {
        return "+86198" + String.format("%08d", java.util.concurrent.ThreadLocalRandom.current().nextInt(100_000_000));
    }

    static String wrong(String code) {
        return code.equals("000000") ? "000001" : "000000";
    }

    @Test
    void linksAtOnceWhenTheHoldersIdIsTheCitizensOwn() {
        Resident me = resident();
        String number = account(me.idNumber(), phone());
        int texts = SmsFake.get().requests();
        String accountId = (String) requestLink(me.token(), number, me.idNumber().substring(14), null)
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
        assertThat(count("SELECT count(*) FROM billing_account_links WHERE account_id = :id AND method = 'ID_MATCH'",
                UUID.fromString(accountId))).isEqualTo(1);
        assertThat(SmsFake.get().requests()).as("no code is needed").isEqualTo(texts);
        assertThat(audit.byTarget("account:" + accountId)).extracting(AuditRows.Row::action)
                .containsExactly("UTILITY_ACCOUNT_CREATED", "ACCOUNT_LINKED");
        // The utility's copy of the number is sealed: its fingerprint is the citizen's, the plaintext is nowhere.
        Map<String, Object> stored = db.sql("SELECT encode(a.holder_id_fingerprint, 'hex') AS fp, encode(c.id_number_hash, 'hex') AS mine, "
                        + "position(convert_to(:n, 'UTF8') IN a.holder_id_cipher) AS plain FROM billing_accounts a, citizen c "
                        + "WHERE a.account_number = :a AND c.id = :c")
                .bind("n", me.idNumber()).bind("a", number).bind("c", me.id())
                .fetch().one().block(Duration.ofSeconds(10));
        assertThat(stored.get("fp")).isEqualTo(stored.get("mine"));
        assertThat(((Number) stored.get("plain")).intValue()).isZero();
        // Asking again is harmless: still linked, one row.
        requestLink(me.token(), number, me.idNumber().substring(14), null).expectStatus().isCreated();
        assertThat(count("SELECT count(*) FROM billing_account_links WHERE account_id = :id", UUID.fromString(accountId))).isEqualTo(1);
    }

    @Test
    void someoneElseConfirmsWithTheCodeTextedToTheHoldersPhone() {
        String holderPhone = phone();
        String number = account(TestCitizens.randomIdNumber(), holderPhone);
        Citizen relative = fx.citizen();
        String last4 = db.sql("SELECT holder_id_last4 FROM billing_accounts WHERE account_number = :n").bind("n", number)
                .map(r -> r.get(0, String.class)).one().block(Duration.ofSeconds(10));
        Map<?, ?> pending = requestLink(relative.token(), number, last4, null).expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(pending.get("method")).isEqualTo("SMS_CODE");
        assertThat(pending.get("status")).isEqualTo("PENDING");
        assertThat(pending.get("remainingAttempts")).isEqualTo(5);
        assertThat((String) pending.get("sentTo")).contains("****").doesNotContain(holderPhone.substring(5, 9));
        String code = SmsFake.get().lastCode(holderPhone).orElseThrow();
        assertThat(SmsFake.get().messagesTo(holderPhone)).hasSize(1);
        assertThat(SmsFake.get().messagesTo(holderPhone).get(0).text()).contains("验证码").contains("****" + number.substring(7));
        // Only a hash of the code is kept.
        assertThat(count("SELECT count(*) FROM billing_link_verifications WHERE id = :id AND position(convert_to('" + code
                + "', 'UTF8') IN code_hash) = 0 AND length(code_hash) = 32", UUID.fromString((String) pending.get("id")))).isEqualTo(1);

        confirm(relative.token(), pending.get("id"), wrong(code)).expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.code").isEqualTo("LINK_CODE_INVALID").jsonPath("$.remainingAttempts").isEqualTo(4);
        // Another citizen cannot use this verification at all.
        confirm(fx.citizen().token(), pending.get("id"), code).expectStatus().isNotFound().expectBody()
                .jsonPath("$.code").isEqualTo("LINK_VERIFICATION_NOT_FOUND");
        String accountId = (String) confirm(relative.token(), pending.get("id"), code).expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");
        assertThat(count("SELECT count(*) FROM billing_account_links WHERE account_id = :id AND method = 'SMS_CODE'",
                UUID.fromString(accountId))).isEqualTo(1);
        // Single use.
        confirm(relative.token(), pending.get("id"), code).expectStatus().isEqualTo(409).expectBody()
                .jsonPath("$.code").isEqualTo("LINK_VERIFICATION_CLOSED");
        web.get().uri("/api/v1/billing/accounts/links/verifications/{v}", pending.get("id")).headers(h -> h.setBearerAuth(relative.token()))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("CONFIRMED");
        assertThat(audit.byActor(relative.id())).extracting(AuditRows.Row::action, AuditRows.Row::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("ACCOUNT_LINK_CODE_FAILED", "FAILURE"),
                org.assertj.core.groups.Tuple.tuple("ACCOUNT_LINKED", "SUCCESS"));
    }

    @Test
    void anAccountWithoutPhoneOrOneStopHolderCannotBeLinkedByAnyoneElse() {
        String number = account(null, null);
        requestLink(fx.citizen().token(), number, "123X", null).expectStatus().isEqualTo(422).expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).expectBody().jsonPath("$.code").isEqualTo("LINK_VERIFICATION_UNAVAILABLE");
        requestLink(fx.citizen().token(), number, "123X", "HOLDER_APPROVAL").expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.code").isEqualTo("LINK_APPROVAL_UNAVAILABLE");
    }

    @Test
    void wrongGuessesOnOneAccountAreLockedAfterFiveWith429AndRetryAfter() {
        String number = account(TestCitizens.randomIdNumber(), phone());
        // Five different citizens, one wrong guess each: the account, not the guesser, is what is protected.
        for (int i = 1; i <= 4; i++) {
            requestLink(fx.citizen().token(), number, String.format("%04d", i), null).expectStatus().isNotFound().expectBody()
                    .jsonPath("$.code").isEqualTo("ACCOUNT_NOT_FOUND");
        }
        requestLink(fx.citizen().token(), number, "0005", null).expectStatus().isEqualTo(429)
                .expectHeader().exists("Retry-After").expectBody().jsonPath("$.code").isEqualTo("LINK_ATTEMPTS_LOCKED");
        // Now even the right ID ending is refused for the day, and nothing is texted.
        String last4 = db.sql("SELECT holder_id_last4 FROM billing_accounts WHERE account_number = :n").bind("n", number)
                .map(r -> r.get(0, String.class)).one().block(Duration.ofSeconds(10));
        int texts = SmsFake.get().requests();
        requestLink(fx.citizen().token(), number, last4, null).expectStatus().isEqualTo(429).expectHeader().exists("Retry-After");
        assertThat(SmsFake.get().requests()).isEqualTo(texts);
        assertThat(audit.byTarget("WATER:" + number)).hasSize(5).allSatisfy(r -> {
            assertThat(r.action()).isEqualTo("ACCOUNT_LINK_FAILED");
            assertThat(r.outcome()).isEqualTo("FAILURE");
        });
    }

    @Test
    void oneCitizenGuessingAcrossAccountsIsLockedAfterTen() {
        Citizen guesser = fx.citizen();
        for (int i = 1; i <= 9; i++) {
            requestLink(guesser.token(), BillingFixtures.accountNumber(), "0000", null).expectStatus().isNotFound();
        }
        requestLink(guesser.token(), BillingFixtures.accountNumber(), "0000", null).expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.code").isEqualTo("LINK_ATTEMPTS_LOCKED");
        String number = account(TestCitizens.randomIdNumber(), phone());
        requestLink(guesser.token(), number, "0000", null).expectStatus().isEqualTo(429);
        // Someone else is not affected.
        requestLink(fx.citizen().token(), number, "0000", null).expectStatus().isNotFound();
    }

    @Test
    void parallelWrongCodesCannotExceedTheAttemptLimit() {
        String holderPhone = phone();
        String idNumber = TestCitizens.randomIdNumber();
        String number = account(idNumber, holderPhone);
        Citizen relative = fx.citizen();
        UUID verification = UUID.fromString((String) requestLink(relative.token(), number, idNumber.substring(14), null)
                .expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody().get("id"));
        String code = SmsFake.get().lastCode(holderPhone).orElseThrow();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Flux.range(0, 60)
                .flatMap(i -> Flux.defer(() -> {
                    int status = confirm(relative.token(), verification, String.format("%06d", (Integer.parseInt(code) + 1 + i) % 1_000_000))
                            .returnResult(String.class).getStatus().value();
                    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                    return Flux.empty();
                }).subscribeOn(Schedulers.boundedElastic()), 30)
                .blockLast(Duration.ofMinutes(3));
        assertThat(statuses.keySet()).allSatisfy(s -> assertThat(s).isIn(409, 422, 429));
        assertThat(statuses.getOrDefault(422, new AtomicInteger()).get()).isLessThanOrEqualTo(5);
        assertThat(count("SELECT attempts FROM billing_link_verifications WHERE id = :id", verification)).isEqualTo(5);
        assertThat(audit.byActor(relative.id()).stream().filter(r -> r.action().equals("ACCOUNT_LINK_CODE_FAILED")).count())
                .isEqualTo(5);
        // The right code no longer helps: the verification is spent and the account locked.
        assertThat(confirm(relative.token(), verification, code).returnResult(String.class).getStatus().value()).isIn(409, 429);
        assertThat(count("SELECT count(*) FROM billing_account_links l JOIN billing_accounts a ON a.id = l.account_id "
                + "WHERE a.account_number = :id", number)).isZero();
    }

    @Test
    void parallelRightCodesMakeOneLinkRow() {
        String holderPhone = phone();
        String idNumber = TestCitizens.randomIdNumber();
        String number = account(idNumber, holderPhone);
        Citizen relative = fx.citizen();
        UUID verification = UUID.fromString((String) requestLink(relative.token(), number, idNumber.substring(14), null)
                .expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody().get("id"));
        String code = SmsFake.get().lastCode(holderPhone).orElseThrow();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Flux.range(0, 40)
                .flatMap(i -> Flux.defer(() -> {
                    int status = confirm(relative.token(), verification, code).returnResult(String.class).getStatus().value();
                    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                    return Flux.empty();
                }).subscribeOn(Schedulers.boundedElastic()), 20)
                .blockLast(Duration.ofMinutes(3));
        assertThat(statuses.get(201).get()).isEqualTo(1);
        assertThat(statuses.get(409).get()).isEqualTo(39);
        assertThat(count("SELECT count(*) FROM billing_account_links l JOIN billing_accounts a ON a.id = l.account_id "
                + "WHERE a.account_number = :id", number)).isEqualTo(1);
        assertThat(audit.byActor(relative.id())).extracting(AuditRows.Row::action).containsExactly("ACCOUNT_LINKED");
    }

    @Test
    void theHolderApprovesInTheAppListsWhoIsLinkedAndRevokes() {
        Resident holder = resident();
        String number = account(holder.idNumber(), null);
        Citizen child = fx.citizen();
        Map<?, ?> pending = requestLink(child.token(), number, holder.idNumber().substring(14), null).expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(pending.get("method")).isEqualTo("HOLDER_APPROVAL");
        assertThat(changes()).anySatisfy(c -> {
            assertThat(c.change()).isEqualTo(AccountLinkChanged.Change.APPROVAL_REQUESTED);
            assertThat(c.recipients()).containsExactly(holder.id());
        });
        web.get().uri("/api/v1/billing/link-requests").headers(h -> h.setBearerAuth(holder.token())).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(1).jsonPath("$.items[0].id").isEqualTo(pending.get("id"))
                .jsonPath("$.items[0].accountNumber").isEqualTo(number);
        // Nobody else may decide it.
        web.post().uri("/api/v1/billing/link-requests/{id}/approval", pending.get("id")).headers(h -> h.setBearerAuth(resident().token()))
                .exchange().expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("LINK_REQUEST_NOT_FOUND");
        web.post().uri("/api/v1/billing/link-requests/{id}/approval", pending.get("id")).headers(h -> h.setBearerAuth(holder.token()))
                .exchange().expectStatus().isNoContent();
        web.get().uri("/api/v1/billing/accounts").headers(h -> h.setBearerAuth(child.token())).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(1).jsonPath("$.items[0].accountNumber").isEqualTo(number);
        String accountId = db.sql("SELECT id FROM billing_accounts WHERE account_number = :n").bind("n", number)
                .map(r -> r.get(0, UUID.class).toString()).one().block(Duration.ofSeconds(10));
        assertThat(changes()).anySatisfy(c -> {
            assertThat(c.change()).isEqualTo(AccountLinkChanged.Change.LINKED);
            assertThat(c.accountId().toString()).isEqualTo(accountId);
            assertThat(c.recipients()).contains(child.id(), holder.id());
        });

        web.get().uri("/api/v1/billing/held-accounts").headers(h -> h.setBearerAuth(holder.token())).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].accountId").isEqualTo(accountId)
                .jsonPath("$.items[0].links.length()").isEqualTo(1)
                .jsonPath("$.items[0].links[0].citizenId").isEqualTo(child.id().toString())
                .jsonPath("$.items[0].links[0].method").isEqualTo("HOLDER_APPROVAL");
        // Only the holder may revoke.
        web.delete().uri("/api/v1/billing/held-accounts/{a}/links/{c}", accountId, child.id()).headers(h -> h.setBearerAuth(child.token()))
                .exchange().expectStatus().isNotFound();
        web.delete().uri("/api/v1/billing/held-accounts/{a}/links/{c}", accountId, child.id()).headers(h -> h.setBearerAuth(holder.token()))
                .exchange().expectStatus().isNoContent();
        web.get().uri("/api/v1/billing/accounts").headers(h -> h.setBearerAuth(child.token())).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(0);
        assertThat(changes()).anySatisfy(c -> {
            assertThat(c.change()).isEqualTo(AccountLinkChanged.Change.REVOKED);
            assertThat(c.citizenId()).isEqualTo(child.id());
            assertThat(c.recipients()).containsExactly(child.id());
        });
        assertThat(audit.byActor(holder.id())).extracting(AuditRows.Row::action)
                .containsSubsequence("ACCOUNT_LINK_APPROVED", "ACCOUNT_LINK_REVOKED");
    }

    @Test
    void anImportRejectsAnInvalidHolderIdOrPhone() {
        String bad = "utility,accountNumber,serviceAddress,householdSize,holderName,holderIdLast4,holderIdNumber,holderPhone\n"
                + "WATER," + BillingFixtures.accountNumber() + ",x,2,Zhao,1234,110105194912310021,13800138000\n"
                + "WATER," + BillingFixtures.accountNumber() + ",x,2,Zhao,0000,11010519491231002X,+8613800138000\n"
                + "WATER," + BillingFixtures.accountNumber() + ",x,2,Zhao,002X,11010519491231002X,12345\n";
        web.post().uri("/api/v1/billing/accounts/imports").headers(h -> h.setBearerAuth(fx.operatorToken))
                .contentType(MediaType.parseMediaType("text/csv")).bodyValue(bad).exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.code").isEqualTo("IMPORT_INVALID")
                .jsonPath("$.errors.length()").isEqualTo(3)
                .jsonPath("$.errors[0].field").isEqualTo("holderIdNumber")
                .jsonPath("$.errors[1].field").isEqualTo("holderIdNumber")
                .jsonPath("$.errors[2].field").isEqualTo("holderPhone");
    }

    @Test
    void aLinkRequestNeedsItsFieldsAndAKnownVerification() {
        web.post().uri("/api/v1/billing/accounts/links").headers(h -> h.setBearerAuth(fx.citizen().token()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"utility\":\"WATER\",\"accountNumber\":\"x\",\"holderName\":\"a\","
                        + "\"holderIdLast4\":\"1234\",\"verification\":\"TELEPATHY\"}")
                .exchange().expectStatus().isBadRequest().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        confirm(fx.citizen().token(), UUID.randomUUID(), "12").expectStatus().isBadRequest().expectBody()
                .jsonPath("$.code").isEqualTo("VALIDATION_FAILED");
        confirm(fx.citizen().token(), UUID.randomUUID(), "123456").expectStatus().isNotFound().expectBody()
                .jsonPath("$.code").isEqualTo("LINK_VERIFICATION_NOT_FOUND");
    }
}
