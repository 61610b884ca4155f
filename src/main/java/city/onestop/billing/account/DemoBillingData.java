package city.onestop.billing.account;

import city.onestop.billing.Utility;
import city.onestop.platform.ProblemException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.YearMonth;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Demo data for the {@code local} profile: a water and an electricity account held by the demo citizen
 * (phone 13800138000, name 张三, ID number ending 002X, as the citizen module seeds them), each with an
 * unpaid bill for last month. The demo citizen links them through {@code POST /api/v1/billing/accounts/links}
 * with that name and ID ending (see docs/billing.md). Safe to run on every start: accounts are upserted,
 * readings and bills exist once.
 */
@Component
@Profile("local")
class DemoBillingData {

    static final String HOLDER = "张三";
    static final String ID_LAST4 = "002X";
    static final String WATER = "W-DEMO-0001";
    static final String ELECTRICITY = "E-DEMO-0001";
    private static final Logger log = LoggerFactory.getLogger(DemoBillingData.class);

    private final AccountService accounts;
    private final BillService bills;
    private final Clock clock;
    private final BillingSettings settings;

    DemoBillingData(AccountService accounts, BillService bills, Clock clock, BillingSettings settings) {
        this.accounts = accounts;
        this.bills = bills;
        this.clock = clock;
        this.settings = settings;
    }

    @EventListener(ApplicationReadyEvent.class)
    void seed() {
        YearMonth last = YearMonth.now(clock.withZone(settings.zone())).minusMonths(1);
        accounts.importAll(List.of(
                        new AccountRow(Utility.WATER, WATER, "1 Demo Road, Tianhe District, Guangzhou", 3, HOLDER, ID_LAST4,
                                new BigDecimal("100")),
                        new AccountRow(Utility.ELECTRICITY, ELECTRICITY, "1 Demo Road, Tianhe District, Guangzhou", 3, HOLDER,
                                ID_LAST4, new BigDecimal("1000"))))
                .thenMany(Flux.just(
                                new BillService.ReadingRequest(Utility.WATER, WATER, last.toString(), new BigDecimal("125"),
                                        MeterStatus.WORKING),
                                new BillService.ReadingRequest(Utility.ELECTRICITY, ELECTRICITY, last.toString(),
                                        new BigDecimal("1300"), MeterStatus.WORKING))
                        .concatMap(r -> bills.recordReading(r).then().onErrorResume(ProblemException.class, e -> Mono.empty())))
                .then(bills.generate(last, null))
                .subscribe(r -> log.info("Demo billing data ready: accounts {} and {} (holder '{}', ID ending {}), {} bill(s) generated for {}",
                                WATER, ELECTRICITY, HOLDER, ID_LAST4, r.generated(), r.period()),
                        e -> log.warn("Could not seed demo billing data", e));
    }
}
