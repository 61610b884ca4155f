package city.onestop.billing.account;

import city.onestop.billing.BillIssued;
import city.onestop.billing.BillingError;
import city.onestop.billing.Money;
import city.onestop.billing.Utility;
import city.onestop.billing.tariff.Charge;
import city.onestop.billing.tariff.Tariff;
import city.onestop.billing.tariff.TariffCalculator;
import city.onestop.billing.tariff.Tariffs;
import city.onestop.platform.Outbox;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Bill runs (operator): a bill from the tariff in force for every reading of a period that has no live bill yet, each
 * bill with its lines and its {@link BillIssued} event in a transaction of its own.
 */
@Service
public class BillRuns {

    private final ReadingRepository readings;
    private final BillRepository bills;
    private final Tariffs tariffs;
    private final TransactionalOperator tx;
    private final Outbox outbox;
    private final Clock clock;
    private final BillingSettings settings;

    BillRuns(ReadingRepository readings, BillRepository bills, Tariffs tariffs, TransactionalOperator tx, Outbox outbox, Clock clock,
            BillingSettings settings) {
        this.readings = readings;
        this.bills = bills;
        this.tariffs = tariffs;
        this.tx = tx;
        this.outbox = outbox;
        this.clock = clock;
        this.settings = settings;
    }

    public record GenerationResult(String period, int generated, int skipped) {}

    /**
     * Generates a bill for every reading of the period that has no live bill yet. The partial unique index makes
     * concurrent or repeated runs safe: a second bill for the same account and period is never written. A utility with
     * readings but no tariff in force fails the run before anything is written.
     */
    public Mono<GenerationResult> generate(YearMonth period, @Nullable Utility only) {
        if (period.isAfter(YearMonth.now(clock.withZone(settings.zone())))) {
            return Mono.error(new BillingError.PeriodInFuture("Bills for " + period + " cannot be generated before that month starts"));
        }
        List<Utility> utilities = only == null ? List.of(Utility.values()) : List.of(only);
        return Flux.fromIterable(utilities)
                .concatMap(u -> readings.anyFor(period, u)
                        .filter(any -> any)
                        .flatMap(any -> tariffs.findInForce(u, period)
                                .switchIfEmpty(Mono.error(() -> new BillingError.NoTariffInForce(u, period.toString()))))
                        .map(t -> Map.entry(u, t)))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, () -> new EnumMap<>(Utility.class))
                .flatMap(inForce -> readings.listFor(period, utilities)
                        .flatMap(r -> issue(r, period, inForce.get(r.utility())), 4)
                        .reduce(new int[2], (acc, created) -> {
                            acc[created ? 0 : 1]++;
                            return acc;
                        })
                        .map(acc -> new GenerationResult(period.toString(), acc[0], acc[1])));
    }

    /** One bill, its lines and its event, in one transaction; false when the account already had a live bill. */
    private Mono<Boolean> issue(ReadingRepository.Unbilled r, YearMonth period, Tariff tariff) {
        return Mono.defer(() -> {
                    Charge charge = TariffCalculator.charge(tariff, r.usage(), r.household());
                    OffsetDateTime now = OffsetDateTime.now(clock);
                    LocalDate due = now.atZoneSameInstant(settings.zone()).plus(settings.dueAfter()).toLocalDate();
                    BillRepository.NewBill bill = new BillRepository.NewBill(UUID.randomUUID(), r.accountId(), period, r.readingId(),
                            tariff.id(), r.usage(), charge, due, now);
                    return bills.insert(bill)
                            .flatMap(created -> created ? announce(bill, r.utility()).thenReturn(true) : Mono.just(false));
                })
                .as(tx::transactional);
    }

    /** In the bill's transaction: tells the citizens linked to the account now, through the outbox. */
    private Mono<Void> announce(BillRepository.NewBill bill, Utility utility) {
        return bills.listLinkedCitizens(bill.accountId())
                .flatMap(citizens -> outbox.append(new BillIssued(bill.id(), bill.accountId(), utility, bill.period().toString(),
                        Money.ofFen(bill.charge().totalFen()), bill.dueDate(), List.copyOf(citizens))));
    }
}
