package city.onestop.billing.web;

import city.onestop.billing.Money;
import city.onestop.billing.Utility;
import city.onestop.billing.account.AccountImport;
import city.onestop.billing.account.AccountRow;
import city.onestop.billing.account.AccountService;
import city.onestop.billing.account.AccountView;
import city.onestop.billing.account.BillRuns;
import city.onestop.billing.account.Bills;
import city.onestop.billing.account.Readings;
import city.onestop.billing.account.Periods;
import city.onestop.billing.account.ReadingView;
import city.onestop.billing.payment.Refunds;
import city.onestop.billing.payment.PaymentView;
import city.onestop.billing.tariff.Band;
import city.onestop.billing.tariff.Tariff;
import city.onestop.billing.tariff.Tariffs;
import city.onestop.platform.CurrentUser;
import city.onestop.platform.Idempotency;
import city.onestop.platform.ProblemException;
import city.onestop.platform.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/** What a utility operator does: load accounts, post readings, run billing, refund, manage tariffs. */
@RestController
@RequestMapping("/api/v1/billing")
@Tag(name = "Billing operations", description = "Utility operator endpoints (role UTILITY_OPERATOR)")
class OperatorController {

    private final AccountService accounts;
    private final Bills bills;
    private final Readings readings;
    private final BillRuns billRuns;
    private final Refunds refunds;
    private final Tariffs tariffs;
    private final JsonMapper json;
    private final int uploadLimit;

    OperatorController(AccountService accounts, Bills bills, Readings readings, BillRuns billRuns, Refunds refunds, Tariffs tariffs, JsonMapper json,
            @Value("${onestop.http.max-upload-size:50MB}") DataSize uploadLimit) {
        this.accounts = accounts;
        this.bills = bills;
        this.readings = readings;
        this.billRuns = billRuns;
        this.refunds = refunds;
        this.tariffs = tariffs;
        this.json = json;
        this.uploadLimit = (int) Math.min(Integer.MAX_VALUE - 8, uploadLimit.toBytes());
    }

    static Mono<CurrentUser> operator() {
        return CurrentUser.get().flatMap(u -> u.has(Role.UTILITY_OPERATOR) ? Mono.just(u) : Mono.error(new ProblemException(
                HttpStatus.FORBIDDEN, "FORBIDDEN", "Forbidden", "This needs the UTILITY_OPERATOR role")));
    }

    record AccountRequest(Utility utility, String accountNumber, String serviceAddress, Integer householdSize, String holderName,
            String holderIdLast4, BigDecimal initialReading, String holderIdNumber, String holderPhone) {}

    @PostMapping("/accounts")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "createUtilityAccount", summary = "Create one utility account (operator)")
    Mono<AccountView> create(@RequestBody AccountRequest body) {
        return operator().flatMap(op -> {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("utility", body.utility() == null ? null : body.utility().name());
            values.put("accountNumber", body.accountNumber());
            values.put("serviceAddress", body.serviceAddress());
            values.put("householdSize", body.householdSize() == null ? null : body.householdSize().toString());
            values.put("holderName", body.holderName());
            values.put("holderIdLast4", body.holderIdLast4());
            values.put("initialReading", body.initialReading() == null ? null : body.initialReading().toPlainString());
            values.put("holderIdNumber", body.holderIdNumber());
            values.put("holderPhone", body.holderPhone());
            List<AccountRow> rows = new ArrayList<>();
            List<Map<String, Object>> errors = new ArrayList<>();
            AccountImport.validateOne(values, rows, errors);
            if (!errors.isEmpty()) {
                return Mono.error(new ProblemException(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "Validation failed",
                        "The account has invalid fields", Map.of("errors", errors)));
            }
            AccountRow row = rows.get(0);
            return BillingProblems.mapped(accounts.create(op, row));
        });
    }

    record ImportResult(int imported) {}

    @PostMapping("/accounts/imports")
    @Operation(operationId = "importUtilityAccounts",
            summary = "Import accounts from CSV (text/csv, header row) or JSON (array), up to 50 MB; all rows or none")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = {
        @io.swagger.v3.oas.annotations.media.Content(mediaType = "text/csv",
                schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string",
                        example = "utility,accountNumber,serviceAddress,householdSize,holderName,holderIdLast4,initialReading\n"
                                + "WATER,W-0001,1 Road,3,Li Lei,123X,0")),
        @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                array = @io.swagger.v3.oas.annotations.media.ArraySchema(
                        schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = AccountRequest.class)))
    })
    Mono<ImportResult> importAccounts(ServerHttpRequest request) {
        MediaType type = request.getHeaders().getContentType();
        boolean csv = type != null && (type.isCompatibleWith(MediaType.parseMediaType("text/csv")) || type.isCompatibleWith(MediaType.TEXT_PLAIN));
        boolean jsonBody = type != null && type.isCompatibleWith(MediaType.APPLICATION_JSON);
        return operator().flatMap(op -> {
            if (!csv && !jsonBody) {
                return Mono.error(new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE",
                        "Unsupported media type", "Send text/csv or application/json"));
            }
            // Read as a stream of buffers, bounded by the upload limit, not through the 64 KiB codecs.
            return readBounded(request)
                    .defaultIfEmpty("")
                    .publishOn(Schedulers.boundedElastic())
                    .map(text -> csv ? AccountImport.parseCsv(text) : AccountImport.parseJson(text, json))
                    .<Integer>flatMap(rows -> BillingProblems.mapped(accounts.importAll(op, rows)))
                    .map(ImportResult::new);
        });
    }

    /** How much of an oversized streamed body is read and discarded so the client still gets its 413. */
    private static final long DRAIN_CAP = 16L * 1024 * 1024;

    /**
     * The body as text, at most {@code uploadLimit} bytes. A body of unknown length that turns out larger is
     * read to its end (up to {@link #DRAIN_CAP} more, discarded) before the 413: cancelling the request body
     * would make the server drop the connection and the client would never see the problem.
     */
    private Mono<String> readBounded(ServerHttpRequest request) {
        return Mono.defer(() -> {
            java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
            return request.getBody()
                    .<org.springframework.core.io.buffer.DataBuffer>handle((buffer, sink) -> {
                        long total = seen.addAndGet(buffer.readableByteCount());
                        if (total <= uploadLimit) {
                            sink.next(buffer);
                        } else {
                            DataBufferUtils.release(buffer);
                            if (total > uploadLimit + DRAIN_CAP) {
                                sink.error(tooLarge());
                            }
                        }
                    })
                    .collectList()
                    .doOnDiscard(org.springframework.core.io.buffer.DataBuffer.class, DataBufferUtils::release)
                    .flatMap(buffers -> {
                        if (seen.get() > uploadLimit) {
                            buffers.forEach(DataBufferUtils::release);
                            return Mono.error(tooLarge());
                        }
                        if (buffers.isEmpty()) {
                            return Mono.empty();
                        }
                        return DataBufferUtils.join(reactor.core.publisher.Flux.fromIterable(buffers)).map(buffer -> {
                            try {
                                return buffer.toString(StandardCharsets.UTF_8);
                            } finally {
                                DataBufferUtils.release(buffer);
                            }
                        });
                    });
        });
    }

    private ProblemException tooLarge() {
        return new ProblemException(HttpStatus.CONTENT_TOO_LARGE, "PAYLOAD_TOO_LARGE", "Payload too large",
                "An import may be at most " + uploadLimit + " bytes");
    }

    @PostMapping("/readings")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "recordMeterReading", summary = "Record one meter reading for a billing period (operator)")
    Mono<ReadingView> reading(@RequestBody Readings.ReadingRequest body) {
        return BillingProblems.mapped(operator().flatMap(op -> readings.recordReading(body)));
    }

    record ReadingBatch(List<Readings.ReadingRequest> readings) {}

    @PostMapping("/readings/batch")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "recordMeterReadings", summary = "Record a batch of meter readings, all or none (operator)")
    Mono<Map<String, List<ReadingView>>> readings(@RequestBody ReadingBatch body) {
        return BillingProblems.mapped(operator().flatMap(op -> readings.recordReadings(body.readings())))
                .map(items -> Map.of("items", items));
    }

    record BillRun(String period, Utility utility) {}

    @PostMapping("/bill-runs")
    @Operation(operationId = "generateBills", summary = "Generate bills for every reading of a period that has no bill yet (operator)")
    Mono<BillRuns.GenerationResult> generate(@RequestBody BillRun body) {
        return BillingProblems.mapped(operator().flatMap(op -> billRuns.generate(Periods.parse(body.period()), body.utility())));
    }

    @PostMapping("/bills/{billId}/cancellation")
    @Operation(operationId = "cancelBill", summary = "Cancel an unpaid bill, e.g. after a misread meter (operator)")
    Mono<city.onestop.billing.account.BillView> cancelBill(@PathVariable UUID billId) {
        return BillingProblems.mapped(operator().flatMap(op -> bills.cancel(op, billId)));
    }

    record RefundRequest(Money amount, String reason) {}

    @PostMapping("/payments/{paymentId}/refunds")
    @Operation(operationId = "refundPayment",
            summary = "Refund any amount up to what was paid (operator); an optional Idempotency-Key makes a retry replay the "
                    + "first refund instead of refunding again",
            responses = @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200",
                    description = "Refunded: the payment with its refunded amount; a retry with the same key gets the same answer "
                            + "with Idempotent-Replayed: true",
                    content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                            schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = PaymentView.class))))
    Mono<ResponseEntity<Object>> refund(@PathVariable UUID paymentId,
            @io.swagger.v3.oas.annotations.Parameter(name = Idempotency.HEADER,
                    description = "Optional: a UUID generated once per intended refund. The same key and body replay the first "
                            + "answer; another body is 422 IDEMPOTENCY_KEY_REUSED; while the first is running, 409 "
                            + "IDEMPOTENCY_IN_PROGRESS")
            @RequestHeader(name = Idempotency.HEADER, required = false) String key,
            @RequestBody RefundRequest body) {
        return BillingProblems.mapped(operator().flatMap(op -> refunds.refund(op.id(), paymentId, key, Money.parseFen(body.amount()),
                body.reason())));
    }

    @GetMapping("/tariffs")
    @Operation(operationId = "listTariffs", summary = "All tariff versions with their bands (operator)")
    Mono<Map<String, List<Tariff>>> listTariffs() {
        return operator().flatMap(op -> tariffs.listTariffs().collectList()).map(items -> Map.of("items", items));
    }

    record TariffRequest(Utility utility, String name, Set<Integer> months, LocalDate effectiveFrom, LocalDate effectiveTo,
            Integer largeHouseholdMinSize, BigDecimal largeHouseholdExtraUnits, String note, List<BandRequest> bands) {}

    /** A band in order; {@code upper} absent on the last, open-ended band. */
    record BandRequest(BigDecimal lower, BigDecimal upper, BigDecimal unitPrice) {}

    @PostMapping("/tariffs")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "createTariff",
            summary = "Add a tariff version; open versions of the same utility and months end where it starts (operator)")
    Mono<Tariff> createTariff(@RequestBody TariffRequest body) {
        return BillingProblems.mapped(operator().flatMap(op -> tariffs.createTariff(op, new Tariff(null, body.utility(), body.name(),
                body.utility() == null ? null : body.utility().unit(), body.months(), body.effectiveFrom(), body.effectiveTo(),
                body.largeHouseholdMinSize(), body.largeHouseholdExtraUnits(), body.note(),
                body.bands() == null ? null : body.bands().stream()
                        // A null band ("bands": [null]) is an empty one: the repository's validation names it.
                        .map(b -> b == null ? new Band(0, null, null, null) : new Band(0, b.lower(), b.upper(), b.unitPrice()))
                        .toList()))));
    }
}
