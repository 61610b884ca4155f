package city.onestop.participation.cases;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Demo data for {@code mvn spring-boot:run} (profile {@code local}): a few replied, published cases of the fixed
 * departments, so the public list and its figures are not empty. Ids are derived from titles: a restart adds nothing.
 * Staff are not seeded (they need accounts): the README shows how an admin makes a registered citizen staff.
 */
@Component
@Profile("local")
class ParticipationDemoData {

    private static final Logger log = LoggerFactory.getLogger(ParticipationDemoData.class);

    private record Demo(String department, CaseType type, String category, String title, String text, String reply, int daysAgo,
            int hoursToReply) {}

    private static final List<Demo> CASES = List.of(
            new Demo(Departments.TRANSIT, CaseType.COMPLAINT, "TRANSIT", "12路早高峰班次太少", "12路公交早上7点到8点间隔超过20分钟，车上非常拥挤，"
                    + "我叫李明，电话13800001111。", "已在早高峰加开两班区间车，间隔缩短至8分钟。", 20, 30),
            new Demo(Departments.TRANSIT, CaseType.SUGGESTION, "TRANSIT", "Add a shelter at the Binjiang stop",
                    "The stop at 88 Binjiang Avenue has no shelter; people wait in the rain.", "A shelter is planned for next month.", 12, 52),
            new Demo(Departments.WATER, CaseType.ENQUIRY, "WATER", "停水通知在哪里看", "小区5号楼2单元明天停水吗？",
                    "计划停水信息在“停水公告”栏目发布，本次维修不影响贵小区。", 9, 4),
            new Demo(Departments.POWER, CaseType.COMPLAINT, "ELECTRICITY", "路灯不亮", "中山大道西100号门前路灯已坏一周。", "已于次日修复。", 5, 20),
            new Demo(Departments.CITY_OFFICE, CaseType.PRAISE, "PUBLIC_SERVICE", "政务大厅王小明师傅服务好", "窗口办事很耐心。", "感谢您的肯定。", 3, 2));

    private final DatabaseClient db;
    private final CaseStore store;
    private final Departments departments;
    private final CalendarStore calendars;
    private final ParticipationProperties properties;
    private final TransactionalOperator tx;
    private final Clock clock;

    ParticipationDemoData(DatabaseClient db, CaseStore store, Departments departments, CalendarStore calendars,
            ParticipationProperties properties, TransactionalOperator tx, Clock clock) {
        this.db = db;
        this.store = store;
        this.departments = departments;
        this.calendars = calendars;
        this.properties = properties;
        this.tx = tx;
        this.clock = clock;
    }

    static UUID id(String... parts) {
        return UUID.nameUUIDFromBytes(("onestop-demo:participation/" + String.join("/", parts)).getBytes(StandardCharsets.UTF_8));
    }

    /** The framework subscribes to the returned Mono once the application is ready. */
    @EventListener(ApplicationReadyEvent.class)
    Mono<Void> load() {
        return calendars.calendar()
                .flatMapMany(calendar -> Flux.fromIterable(CASES).concatMap(d -> seed(d, calendar)))
                .then()
                .doOnSuccess(v -> log.info("Participation demo data ready: {} published cases", CASES.size()))
                .doOnError(e -> log.warn("Could not load participation demo data", e));
    }

    private Mono<Void> seed(Demo d, WorkingCalendar calendar) {
        UUID id = id(d.title());
        UUID citizen = id("citizen", d.title());
        Instant filed = clock.instant().minus(Duration.ofDays(d.daysAgo()));
        Instant replied = filed.plus(Duration.ofHours(d.hoursToReply()));
        return store.findCase(id).hasElement().flatMap(exists -> exists ? Mono.empty() : departments.findByCode(d.department())
                .flatMap(dept -> store.insert(new CaseStore.Insert(id, citizen, d.type(), d.category(), d.title(), d.text(), null, null,
                                null, null, true, dept.id(), filed, calendar.dueAt(filed, properties.acknowledgeWorkingDays(), properties.zone()),
                                calendar.dueAt(filed, properties.replyWorkingDays(d.type()), properties.zone()), null, false))
                        .then(store.appendEvent(new CaseStore.Event(id, filed, citizen, "CITIZEN", "SUBMITTED", null, CaseStatus.SUBMITTED,
                                dept.id(), null)))
                        .then(db.sql("""
                                        UPDATE participation_cases SET status = 'CLOSED', reply = :reply, accepted_at = :accepted,
                                            replied_at = :replied, closed_at = :replied, next_due_at = NULL, satisfied = true, updated_at = :replied
                                        WHERE id = :id""")
                                .bind("reply", d.reply())
                                .bind("accepted", CaseStore.utc(filed.plus(Duration.ofHours(1))))
                                .bind("replied", CaseStore.utc(replied))
                                .bind("id", id)
                                .then())
                        .then(store.appendEvent(new CaseStore.Event(id, filed.plus(Duration.ofHours(1)), null, "STAFF", "ACCEPTED",
                                CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, dept.id(), null)))
                        .then(store.appendEvent(new CaseStore.Event(id, replied, null, "STAFF", "REPLIED", CaseStatus.ACCEPTED,
                                CaseStatus.REPLIED, dept.id(), d.reply())))
                        .then(store.appendEvent(new CaseStore.Event(id, replied, citizen, "CITIZEN", "CONFIRMED", CaseStatus.REPLIED,
                                CaseStatus.CLOSED, dept.id(), null)))
                        .then()
                        .as(tx::transactional)));
    }
}
