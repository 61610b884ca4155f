package city.onestop.billing;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.billing.BillingFixtures.Billed;
import city.onestop.billing.BillingFixtures.Citizen;
import city.onestop.billing.provider.ProviderEndpoint;
import city.onestop.platform.AccessTokens;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

@IntegrationTest
class BillingAccountsIT {

    @Autowired
    WebTestClient web;

    @Autowired
    AccessTokens tokens;

    @Autowired
    DatabaseClient db;

    @Autowired
    ProviderEndpoint endpoint;

    @LocalServerPort
    int port;

    BillingFixtures fx;

    @BeforeEach
    void setUp() {
        fx = new BillingFixtures(web, tokens, db, endpoint);
    }

    long accounts(String number) {
        return fx.count("SELECT count(*) FROM billing_accounts WHERE account_number = :id", number);
    }

    WebTestClient.ResponseSpec importFile(String token, MediaType type, String body) {
        return web.post().uri("/api/v1/billing/accounts/imports").headers(h -> h.setBearerAuth(token)).contentType(type)
                .bodyValue(body.getBytes(StandardCharsets.UTF_8)).exchange();
    }

    @Test
    void csvImportWithBadRowsReportsTheirLinesAndLoadsNothing() {
        String a = BillingFixtures.accountNumber();
        String b = BillingFixtures.accountNumber();
        String csv = "utility,accountNumber,serviceAddress,householdSize,holderName,holderIdLast4\n"
                + "WATER," + a + ",1 Road,3,Wang Fang,1234\n"
                + "GAS," + b + ",2 Road,3,Wang Fang,1234\n"
                + "ELECTRICITY," + b + ",2 Road,3,Wang Fang,1234\n"
                + "WATER," + b + ",3 Road,-1,Wang Fang,12\n";
        importFile(fx.operatorToken, MediaType.parseMediaType("text/csv"), csv).expectStatus().isEqualTo(422)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code").isEqualTo("IMPORT_INVALID")
                .jsonPath("$.errors[0].line").isEqualTo(3)
                .jsonPath("$.errors[0].field").isEqualTo("utility")
                .jsonPath("$.errors[1].line").isEqualTo(5)
                .jsonPath("$.errors[1].field").isEqualTo("householdSize")
                .jsonPath("$.errors[2].line").isEqualTo(5)
                .jsonPath("$.errors[2].field").isEqualTo("holderIdLast4");
        assertThat(accounts(a)).isZero();
        assertThat(accounts(b)).isZero();

        String good = "utility,accountNumber,serviceAddress,householdSize,holderName,holderIdLast4,initialReading\n"
                + "WATER," + a + ",\"1 Road, Tianhe\",3,Wang Fang,1234,10.5\n"
                + "ELECTRICITY," + b + ",2 Road,5,Wang Fang,1234,\n";
        importFile(fx.operatorToken, MediaType.parseMediaType("text/csv"), good).expectStatus().isOk()
                .expectBody().jsonPath("$.imported").isEqualTo(2);
        assertThat(accounts(a)).isEqualTo(1);
        assertThat(accounts(b)).isEqualTo(1);
    }

    @Test
    void jsonImportIsValidatedByIndex() {
        String a = BillingFixtures.accountNumber();
        importFile(fx.operatorToken, MediaType.APPLICATION_JSON, "[{\"utility\":\"WATER\",\"accountNumber\":\"" + a
                        + "\",\"serviceAddress\":\"x\",\"householdSize\":2,\"holderName\":\"Zhao\",\"holderIdLast4\":\"0000\"},"
                        + "{\"utility\":\"WATER\",\"accountNumber\":\"bad number!\",\"serviceAddress\":\"x\",\"householdSize\":2,"
                        + "\"holderName\":\"Zhao\",\"holderIdLast4\":\"0000\"}]")
                .expectStatus().isEqualTo(422).expectBody().jsonPath("$.errors[0].line").isEqualTo(1)
                .jsonPath("$.errors[0].field").isEqualTo("accountNumber");
        assertThat(accounts(a)).isZero();
        importFile(fx.operatorToken, MediaType.APPLICATION_JSON, "{not json").expectStatus().isEqualTo(422);
        importFile(fx.operatorToken, MediaType.APPLICATION_JSON, "[{\"utility\":\"WATER\",\"accountNumber\":\"" + a
                        + "\",\"serviceAddress\":\"x\",\"householdSize\":2,\"holderName\":\"Zhao\",\"holderIdLast4\":\"0000\"}]")
                .expectStatus().isOk().expectBody().jsonPath("$.imported").isEqualTo(1);
    }

    @Test
    void importIsForOperatorsOnlyAndTakesCsvOrJson() {
        importFile(fx.citizen().token(), MediaType.parseMediaType("text/csv"), "x").expectStatus().isForbidden();
        importFile(fx.operatorToken, MediaType.APPLICATION_XML, "<a/>").expectStatus().isEqualTo(415);
    }

    /**
     * Raw HTTP over a socket: an HTTP client that is still sending when the server answers 413 and closes gets
     * a connection reset instead of the answer, so these requests send exactly what the server will read.
     */
    String rawImport(String headers, byte[]... chunks) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/billing/accounts/imports HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + fx.operatorToken + "\r\nContent-Type: text/csv\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (byte[] chunk : chunks) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            if (chunks.length > 0) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            byte[] head = socket.getInputStream().readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII);
        }
    }

    @Test
    void oversizedImportsAre413WithDeclaredLengthOrChunked() throws IOException {
        // Declared too long: refused before a byte of the body is read.
        assertThat(rawImport("Content-Length: " + (50 * 1024 * 1024 + 1) + "\r\n")).isEqualTo("HTTP/1.1 413");
        // No declared length: counted while streaming; 50 MiB + 1 byte is refused.
        byte[] mib = new byte[1024 * 1024];
        Arrays.fill(mib, (byte) 'a');
        byte[][] chunks = new byte[51][];
        Arrays.fill(chunks, 0, 50, mib);
        chunks[50] = new byte[] {'a'};
        assertThat(rawImport("Transfer-Encoding: chunked\r\n", "abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo("HTTP/1.1 422");
        assertThat(rawImport("Transfer-Encoding: chunked\r\n", chunks)).isEqualTo("HTTP/1.1 413");
        assertThat(fx.count("SELECT count(*) FROM billing_accounts WHERE account_number = :id", "a")).isZero();
    }

    @Test
    void linkingNeedsTheHolderVerificationAndShowsBalanceDue() {
        Citizen c = fx.citizen();
        String number = BillingFixtures.accountNumber();
        fx.createAccount(Utility.WATER, number, 2);
        web.post().uri("/api/v1/billing/accounts/links").headers(h -> h.setBearerAuth(c.token()))
                .bodyValue(Map.of("utility", "WATER", "accountNumber", number, "holderName", "Li Lei", "holderIdLast4", "9999"))
                .exchange().expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("ACCOUNT_NOT_FOUND");
        web.post().uri("/api/v1/billing/accounts/links").headers(h -> h.setBearerAuth(c.token()))
                .bodyValue(Map.of("utility", "ELECTRICITY", "accountNumber", number, "holderName", "Li Lei", "holderIdLast4", "123X"))
                .exchange().expectStatus().isNotFound();
        web.post().uri("/api/v1/billing/accounts/links").headers(h -> h.setBearerAuth(c.token()))
                .bodyValue(Map.of("utility", "WATER", "accountNumber", number)).exchange().expectStatus().isBadRequest();
        fx.reading(Utility.WATER, number, BillingFixtures.PERIOD, "30", "WORKING");
        fx.generate(BillingFixtures.PERIOD, Utility.WATER);
        UUID accountId = fx.link(c, Utility.WATER, number);
        // A family member links the same account.
        Citizen spouse = fx.citizen();
        assertThat(fx.link(spouse, Utility.WATER, number)).isEqualTo(accountId);
        web.get().uri("/api/v1/billing/accounts").headers(h -> h.setBearerAuth(spouse.token())).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].balanceDue.amount").isEqualTo("99.42")
                .jsonPath("$.items[0].balanceDue.currency").isEqualTo("CNY");
        web.delete().uri("/api/v1/billing/accounts/{a}/link", accountId).headers(h -> h.setBearerAuth(spouse.token())).exchange()
                .expectStatus().isNoContent();
        web.get().uri("/api/v1/billing/accounts").headers(h -> h.setBearerAuth(spouse.token())).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(0);
        web.get().uri("/api/v1/billing/accounts").headers(h -> h.setBearerAuth(c.token())).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(1);
    }

    @Test
    void billLinesExplainTheBandsAndMoneyIsADecimalString() {
        Citizen c = fx.citizen();
        Billed b = fx.billedAccount(c, Utility.ELECTRICITY, "700");
        web.get().uri("/api/v1/billing/bills/{id}", b.billId()).headers(h -> h.setBearerAuth(c.token())).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.id").isEqualTo(b.billId().toString())
                .jsonPath("$.accountId").isEqualTo(b.accountId().toString())
                .jsonPath("$.utility").isEqualTo("ELECTRICITY")
                .jsonPath("$.period").isEqualTo(BillingFixtures.PERIOD)
                .jsonPath("$.status").isEqualTo("ACTIVE")
                .jsonPath("$.dueDate").exists()
                .jsonPath("$.total.amount").isEqualTo("466.21")
                .jsonPath("$.total.currency").isEqualTo("CNY")
                .jsonPath("$.lines.length()").isEqualTo(4)
                .jsonPath("$.lines[0].description").isEqualTo("Tier 1 (0–260 kWh)")
                .jsonPath("$.lines[0].quantity").isEqualTo(260)
                .jsonPath("$.lines[0].unit").isEqualTo("kWh")
                .jsonPath("$.lines[0].unitPrice").isEqualTo(0.59886875)
                .jsonPath("$.lines[0].amount.amount").isEqualTo("155.71")
                .jsonPath("$.lines[1].amount.amount").isEqualTo("220.62")
                .jsonPath("$.lines[2].description").isEqualTo("Tier 3 (above 600 kWh)")
                .jsonPath("$.lines[2].amount.amount").isEqualTo("89.89")
                .jsonPath("$.lines[3].amount.amount").isEqualTo("-0.01");
        web.get().uri("/api/v1/billing/bills?status=ACTIVE&period={p}&accountId={a}", BillingFixtures.PERIOD, b.accountId())
                .headers(h -> h.setBearerAuth(c.token())).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].total.amount").isEqualTo("466.21")
                .jsonPath("$.items[0].lines").doesNotExist();
        web.get().uri("/api/v1/billing/bills?status=PAID&accountId={a}", b.accountId()).headers(h -> h.setBearerAuth(c.token()))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(0);
        web.get().uri("/api/v1/billing/bills?status=WHATEVER").headers(h -> h.setBearerAuth(c.token())).exchange()
                .expectStatus().isBadRequest();
        web.get().uri("/api/v1/billing/bills?period=2025-13").headers(h -> h.setBearerAuth(c.token())).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("INVALID_PERIOD");
    }

    @Test
    void aCitizenNeverSeesAnotherCitizensAccountBillPaymentOrReceipt() {
        ProviderFake.get().mode(ProviderFake.Mode.APPROVE);
        Citizen a = fx.citizen();
        Citizen b = fx.citizen();
        Billed billed = fx.billedAccount(a, Utility.WATER, "25");
        Map<?, ?> payment = web.post().uri("/api/v1/billing/bills/{b}/payments", billed.billId()).headers(h -> h.setBearerAuth(a.token()))
                .header("Idempotency-Key", UUID.randomUUID().toString()).contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();

        String t = b.token();
        web.get().uri("/api/v1/billing/bills/{id}", billed.billId()).headers(h -> h.setBearerAuth(t)).exchange()
                .expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("NOT_FOUND");
        web.post().uri("/api/v1/billing/bills/{b}/payments", billed.billId()).headers(h -> h.setBearerAuth(t))
                .header("Idempotency-Key", UUID.randomUUID().toString()).contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange().expectStatus().isNotFound();
        web.get().uri("/api/v1/billing/payments/{id}", payment.get("id")).headers(h -> h.setBearerAuth(t)).exchange()
                .expectStatus().isNotFound();
        web.get().uri("/api/v1/billing/receipts/{n}", payment.get("receiptNumber")).headers(h -> h.setBearerAuth(t)).exchange()
                .expectStatus().isNotFound();
        web.get().uri("/api/v1/billing/accounts/{a}/payments", billed.accountId()).headers(h -> h.setBearerAuth(t)).exchange()
                .expectStatus().isNotFound();
        web.delete().uri("/api/v1/billing/accounts/{a}/link", billed.accountId()).headers(h -> h.setBearerAuth(t)).exchange()
                .expectStatus().isNotFound();
        web.get().uri("/api/v1/billing/bills?accountId={a}", billed.accountId()).headers(h -> h.setBearerAuth(t)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(0);
        web.get().uri("/api/v1/billing/payments").headers(h -> h.setBearerAuth(t)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(0);
        web.get().uri("/api/v1/billing/bills/{id}", UUID.randomUUID()).headers(h -> h.setBearerAuth(t)).exchange()
                .expectStatus().isNotFound();
        web.get().uri("/api/v1/billing/bills/not-a-uuid").headers(h -> h.setBearerAuth(t)).exchange().expectStatus().isBadRequest();
        // And without a token nothing is served.
        web.get().uri("/api/v1/billing/bills/{id}", billed.billId()).exchange().expectStatus().isUnauthorized();
        // The owner still sees everything.
        web.get().uri("/api/v1/billing/accounts/{a}/payments", billed.accountId()).headers(h -> h.setBearerAuth(a.token())).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(1);
    }

    WebTestClient.ResponseSpec postReading(String number, String period, Object value, String status) {
        return web.post().uri("/api/v1/billing/readings").headers(h -> h.setBearerAuth(fx.operatorToken))
                .bodyValue(Map.of("utility", "ELECTRICITY", "accountNumber", number, "period", period, "reading", value,
                        "meterStatus", status))
                .exchange();
    }

    @Test
    void readingsAreRejectedInTheFutureBelowThePreviousOrTwice() {
        String number = BillingFixtures.accountNumber();
        fx.createAccount(Utility.ELECTRICITY, number, 1);
        postReading(number, "2025-01", 500, "WORKING").expectStatus().isCreated().expectBody().jsonPath("$.usage").isEqualTo(500);
        postReading(number, "2025-01", 600, "WORKING").expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("READING_EXISTS");
        postReading(number, "2025-02", 400, "WORKING").expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.code").isEqualTo("READING_BELOW_PREVIOUS");
        postReading(number, "2025-02", 400, "LOCKED").expectStatus().isEqualTo(422);
        postReading(number, "2025-02", 40, "REPLACED").expectStatus().isCreated().expectBody().jsonPath("$.usage").isEqualTo(40);
        postReading(number, "2025-03", 10, "RESET").expectStatus().isCreated();
        postReading(number, "2025-04", 250, "WORKING").expectStatus().isCreated().expectBody().jsonPath("$.usage").isEqualTo(240);
        postReading(number, "2999-01", 900, "WORKING").expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.code").isEqualTo("PERIOD_IN_FUTURE");
        postReading(number, "2025-05", -1, "WORKING").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("INVALID_READING");
        postReading(number, "2025-5", 900, "WORKING").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("INVALID_PERIOD");
        postReading(number, "2025-05", 900, "BROKEN").expectStatus().isBadRequest();
        postReading(BillingFixtures.accountNumber(), "2025-05", 900, "WORKING").expectStatus().isNotFound();
        assertThat(fx.count("SELECT count(*) FROM billing_meter_readings r JOIN billing_accounts a ON a.id = r.account_id "
                + "WHERE a.account_number = :id", number)).isEqualTo(4);
        web.post().uri("/api/v1/billing/readings").headers(h -> h.setBearerAuth(fx.citizen().token()))
                .bodyValue(Map.of("utility", "ELECTRICITY", "accountNumber", number, "period", "2025-06", "reading", 300,
                        "meterStatus", "WORKING"))
                .exchange().expectStatus().isForbidden();
    }

    @Test
    void aBatchWithOneBadReadingWritesNone() {
        String number = BillingFixtures.accountNumber();
        fx.createAccount(Utility.WATER, number, 1);
        web.post().uri("/api/v1/billing/readings/batch").headers(h -> h.setBearerAuth(fx.operatorToken))
                .bodyValue(Map.of("readings", List.of(
                        Map.of("utility", "WATER", "accountNumber", number, "period", "2025-07", "reading", 10, "meterStatus", "WORKING"),
                        Map.of("utility", "WATER", "accountNumber", number, "period", "2025-08", "reading", 5, "meterStatus", "WORKING"))))
                .exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.code").isEqualTo("READING_BELOW_PREVIOUS").jsonPath("$.index").isEqualTo(1);
        assertThat(fx.count("SELECT count(*) FROM billing_meter_readings r JOIN billing_accounts a ON a.id = r.account_id "
                + "WHERE a.account_number = :id", number)).isZero();
        web.post().uri("/api/v1/billing/readings/batch").headers(h -> h.setBearerAuth(fx.operatorToken))
                .bodyValue(Map.of("readings", List.of(
                        Map.of("utility", "WATER", "accountNumber", number, "period", "2025-07", "reading", 10, "meterStatus", "WORKING"),
                        Map.of("utility", "WATER", "accountNumber", number, "period", "2025-08", "reading", 35, "meterStatus", "WORKING"))))
                .exchange().expectStatus().isCreated().expectBody().jsonPath("$.items.length()").isEqualTo(2);
    }

    @Test
    void billRunsNeedAKnownPeriodWithATariffAndNeverDuplicateABill() {
        String number = BillingFixtures.accountNumber();
        fx.createAccount(Utility.WATER, number, 1);
        fx.reading(Utility.WATER, number, "2025-03", "12", "WORKING");
        web.post().uri("/api/v1/billing/bill-runs").headers(h -> h.setBearerAuth(fx.operatorToken))
                .bodyValue(Map.of("period", "2025-03", "utility", "WATER")).exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.code").isEqualTo("NO_TARIFF_IN_FORCE");
        web.post().uri("/api/v1/billing/bill-runs").headers(h -> h.setBearerAuth(fx.operatorToken))
                .bodyValue(Map.of("period", "2025-13")).exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("INVALID_PERIOD");
        web.post().uri("/api/v1/billing/bill-runs").headers(h -> h.setBearerAuth(fx.operatorToken))
                .bodyValue(Map.of("period", "2999-01")).exchange().expectStatus().isEqualTo(422);
        String billed = BillingFixtures.accountNumber();
        fx.createAccount(Utility.WATER, billed, 1);
        fx.reading(Utility.WATER, billed, "2025-09", "12", "WORKING");
        fx.generate("2025-09", Utility.WATER);
        fx.generate("2025-09", Utility.WATER);
        assertThat(fx.count("SELECT count(*) FROM billing_bills b JOIN billing_accounts a ON a.id = b.account_id "
                + "WHERE a.account_number = :id", billed)).isEqualTo(1);
        assertThat(fx.count("SELECT count(*) FROM billing_bills b JOIN billing_accounts a ON a.id = b.account_id "
                + "WHERE a.account_number = :id", number)).isZero();
    }

    @Test
    void operatorsManageEffectiveDatedTariffs() {
        web.get().uri("/api/v1/billing/tariffs").headers(h -> h.setBearerAuth(fx.operatorToken)).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items[?(@.name == 'Guangzhou residential water')].bands.length()").isEqualTo(3);
        web.get().uri("/api/v1/billing/tariffs").headers(h -> h.setBearerAuth(fx.citizen().token())).exchange()
                .expectStatus().isForbidden();
        web.post().uri("/api/v1/billing/tariffs").headers(h -> h.setBearerAuth(fx.operatorToken))
                .bodyValue(Map.of("utility", "WATER", "name", "gap", "months", List.of(1), "effectiveFrom", "2030-01-01",
                        "bands", List.of(Map.of("lower", 0, "upper", 10, "unitPrice", 1), Map.of("lower", 12, "unitPrice", 2))))
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("INVALID_TARIFF");
    }
}
