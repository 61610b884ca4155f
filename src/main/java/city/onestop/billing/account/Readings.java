package city.onestop.billing.account;

import city.onestop.billing.BillingError;
import city.onestop.billing.Utility;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Meter readings (operator): one, or a batch all or none, each checked against the account's previous reading. */
@Service
public class Readings {

    private final ReadingRepository readings;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final BillingSettings settings;

    Readings(ReadingRepository readings, TransactionalOperator tx, Clock clock, BillingSettings settings) {
        this.readings = readings;
        this.tx = tx;
        this.clock = clock;
        this.settings = settings;
    }

    /** One reading as an operator sends it; every field may be missing (and is then refused as INVALID_READING). */
    public record ReadingRequest(Utility utility, String accountNumber, String period, BigDecimal reading, MeterStatus meterStatus) {}

    /** Records one reading. */
    public Mono<ReadingView> recordReading(ReadingRequest request) {
        return Mono.defer(() -> insert(request)).as(tx::transactional);
    }

    /** Records a batch of readings in one transaction: any bad reading rejects the batch, naming its index. */
    public Mono<List<ReadingView>> recordReadings(@Nullable List<ReadingRequest> requests) {
        if (requests == null || requests.isEmpty() || requests.size() > 10_000) {
            return Mono.error(new BillingError.InvalidBatch("readings must hold 1 to 10000 readings"));
        }
        return Flux.range(0, requests.size())
                .concatMap(i -> Mono.defer(() -> insert(requests.get(i)))
                        .onErrorMap(BillingError.class, e -> new BillingError.ReadingRejected(i, e)))
                .collectList()
                .as(tx::transactional);
    }

    private Mono<ReadingView> insert(@Nullable ReadingRequest r) {
        if (r == null || r.utility() == null || r.accountNumber() == null || r.meterStatus() == null || r.reading() == null) {
            return Mono.error(new BillingError.InvalidReading("utility, accountNumber, period, reading and meterStatus are required"));
        }
        BigDecimal value = r.reading();
        if (value.signum() < 0 || value.scale() > 3 || value.precision() - value.scale() > 11) {
            return Mono.error(new BillingError.InvalidReading("reading must be a non-negative number with at most 3 decimals"));
        }
        YearMonth period = Periods.parse(r.period());
        if (period.isAfter(YearMonth.now(clock.withZone(settings.zone())))) {
            return Mono.error(new BillingError.PeriodInFuture("A reading for " + period + " cannot be recorded before that month starts"));
        }
        Utility utility = r.utility();
        String number = r.accountNumber();
        MeterStatus status = r.meterStatus();
        OffsetDateTime now = OffsetDateTime.now(clock);
        return readings.lockAccount(utility, number)
                .switchIfEmpty(Mono.error(() -> new BillingError.AccountNotFound(utility + " " + number)))
                .flatMap(account -> readings.findPrevious(account.id(), period)
                        .defaultIfEmpty(account.initialReading())
                        .flatMap(previous -> {
                            if (value.compareTo(previous) < 0 && !status.restartsCount()) {
                                return Mono.error(new BillingError.ReadingBelowPrevious(value.toPlainString(), previous.toPlainString()));
                            }
                            BigDecimal usage = status.restartsCount() ? value : value.subtract(previous);
                            UUID id = UUID.randomUUID();
                            return readings.insert(id, account.id(), period, value, usage, status, now)
                                    .thenReturn(new ReadingView(id, account.id(), utility, number, period.toString(), value, usage,
                                            status, now));
                        }));
    }
}
