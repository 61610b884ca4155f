package city.onestop.billing.account;

import city.onestop.billing.BillingError;
import city.onestop.billing.Utility;
import city.onestop.citizen.CitizenDirectory;
import city.onestop.citizen.CitizenRegistered;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.YearMonth;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
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
 * unpaid bill for last month. The utility knows the holder's full ID number, so they link to the demo citizen at
 * once (keyed fingerprints equal) when the citizen module announces it ({@link CitizenRegistered}); anyone else
 * who knows the name and ID ending gets a code sent to the holder's phone. A third account, a parent's (李秀英,
 * ID ending 1007), is not linked: linking it texts a code to the parent's phone, which the simulated SMS sender
 * writes to the log (see docs/billing.md). Safe to run on every start: accounts are upserted,
 * readings and bills exist once.
 */
@Component
@Profile("local")
class DemoBillingData {

    static final String HOLDER = "张三";
    static final String ID_LAST4 = "002X";
    static final String WATER = "W-DEMO-0001";
    static final String ELECTRICITY = "E-DEMO-0001";
    static final String DEMO_PHONE_MASKED = "138****8000";
    /** The demo citizen's ID number (as the citizen module seeds it): the utility knows it, so the accounts link at once. */
    static final String HOLDER_ID_NUMBER = "11010519491231002X";
    /** A parent's water account, not on OneStop: linking it sends a code to the parent's phone (logged in local). */
    static final String PARENT_WATER = "W-DEMO-0002";
    static final String PARENT = "李秀英";
    static final String PARENT_ID_NUMBER = "440106196503151007";
    static final String PARENT_PHONE = "+8613900000002";
    private static final Logger log = LoggerFactory.getLogger(DemoBillingData.class);

    private final AccountService accounts;
    private final AccountLinks links;
    private final Readings readings;
    private final BillRuns billRuns;
    private final Clock clock;
    private final BillingSettings settings;
    private final CitizenDirectory citizens;
    /** Seeds once; the citizen event may come before or after, so both wait for the same run. */
    private final AtomicReference<Mono<Void>> seeding = new AtomicReference<>();

    DemoBillingData(AccountService accounts, AccountLinks links, Readings readings, BillRuns billRuns, Clock clock, BillingSettings settings,
            CitizenDirectory citizens) {
        this.links = links;
        this.citizens = citizens;
        this.accounts = accounts;
        this.readings = readings;
        this.billRuns = billRuns;
        this.clock = clock;
        this.settings = settings;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        seeded().subscribe(null, e -> log.warn("Could not seed demo billing data", e));
    }

    /**
     * Links the demo accounts to the demo citizen when the citizen module announces it (phone 13800138000,
     * name 张三). Listeners of {@link CitizenRegistered} run on an event-loop thread: the work is handed off.
     * The demo citizen is announced when the citizen module creates it; the links then stay in the database.
     */
    @EventListener
    void onCitizenRegistered(CitizenRegistered event) {
        seeded().then(citizens.findCitizen(event.citizenId()))
                .filter(c -> HOLDER.equals(c.realName()) && DEMO_PHONE_MASKED.equals(c.maskedPhone()))
                .flatMapMany(c -> Flux.just(Utility.WATER, Utility.ELECTRICITY)
                        .concatMap(u -> links.requestLink(c.id(), u, u == Utility.WATER ? WATER : ELECTRICITY, HOLDER, ID_LAST4,
                                null)))
                .collectList()
                .subscribe(linked -> {
                    if (!linked.isEmpty()) {
                        log.info("Linked {} demo utility account(s) to the demo citizen {}", linked.size(), event.citizenId());
                    }
                }, e -> log.warn("Could not link the demo utility accounts", e));
    }

    Mono<Void> seeded() {
        Mono<Void> run = seeding.get();
        if (run == null) {
            seeding.compareAndSet(null, seed().cache());
            run = seeding.get();
        }
        return run;
    }

    private Mono<Void> seed() {
        YearMonth last = YearMonth.now(clock.withZone(settings.zone())).minusMonths(1);
        return accounts.importAll(List.of(
                        new AccountRow(Utility.WATER, WATER, "广州市天河区示范路 1 号", 3, HOLDER, ID_LAST4,
                                new BigDecimal("100"), HOLDER_ID_NUMBER, "+8613800138000"),
                        new AccountRow(Utility.ELECTRICITY, ELECTRICITY, "广州市天河区示范路 1 号", 3, HOLDER,
                                ID_LAST4, new BigDecimal("1000"), HOLDER_ID_NUMBER, "+8613800138000"),
                        new AccountRow(Utility.WATER, PARENT_WATER, "广州市越秀区老街 9 号", 2, PARENT,
                                PARENT_ID_NUMBER.substring(14), new BigDecimal("40"), PARENT_ID_NUMBER, PARENT_PHONE)))
                .thenMany(Flux.just(
                                new Readings.ReadingRequest(Utility.WATER, WATER, last.toString(), new BigDecimal("125"),
                                        MeterStatus.WORKING),
                                new Readings.ReadingRequest(Utility.ELECTRICITY, ELECTRICITY, last.toString(),
                                        new BigDecimal("1300"), MeterStatus.WORKING),
                                new Readings.ReadingRequest(Utility.WATER, PARENT_WATER, last.toString(), new BigDecimal("52"),
                                        MeterStatus.WORKING))
                        .concatMap(r -> readings.recordReading(r).then().onErrorResume(BillingError.class, e -> Mono.empty())))
                .then(billRuns.generate(last, null))
                .doOnNext(r -> log.info("Demo billing data ready: accounts {} and {} (holder '{}', ID ending {}), {} bill(s) generated "
                                + "for {}; a parent's account to link by SMS code: WATER {} (holder '{}', ID ending {})",
                        WATER, ELECTRICITY, HOLDER, ID_LAST4, r.generated(), r.period(), PARENT_WATER, PARENT,
                        PARENT_ID_NUMBER.substring(14)))
                .then();
    }
}
