package city.onestop.booking;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Demo data for {@code mvn spring-boot:run} (profile {@code local}): two hospitals with departments and
 * doctors, and sessions for today and the coming week relative to the clock. Ids are derived from names, so
 * a restart adds only the days that are new.
 */
@Component
@Profile("local")
class BookingDemoData {

    private static final Logger log = LoggerFactory.getLogger(BookingDemoData.class);

    // key: the stable English name the demo rows' ids are made from (kept, so an existing demo database keeps its
    // ids); name and the other texts are what citizens read, in Chinese.
    private record Doc(String key, String name, String title, String specialty, long feeFen) {}

    private record Dept(String key, String name, List<Doc> doctors) {}

    private record Hosp(String key, String name, String address, double lat, double lon, String level, String phone, List<Dept> departments) {}

    private static final List<Hosp> HOSPITALS = List.of(
            new Hosp("City First People's Hospital", "市第一人民医院", "人民路 1 号", 31.2304, 121.4737, "TERTIARY_A", "021-0000-0001", List.of(
                    new Dept("Internal Medicine", "内科", List.of(new Doc("Dr. Wang Li", "王丽", "主任医师", "心血管内科", 5000),
                            new Doc("Dr. Zhang Wei", "张伟", "主治医师", "消化内科", 2500))),
                    new Dept("Pediatrics", "儿科", List.of(new Doc("Dr. Liu Yang", "刘洋", "副主任医师", "小儿呼吸", 3500))))),
            new Hosp("Riverside Community Hospital", "滨江社区医院", "滨江大道 88 号", 31.2397, 121.4998, "SECONDARY_A", "021-0000-0002", List.of(
                    new Dept("General Practice", "全科", List.of(new Doc("Dr. Chen Jing", "陈静", "主治医师", "家庭医学", 1000))),
                    new Dept("Dermatology", "皮肤科", List.of(new Doc("Dr. Zhao Min", "赵敏", "主任医师", "湿疹", 4000))))));

    private final DemoDataRepository db;
    private final ScheduleRepository catalog;
    private final Clock clock;

    BookingDemoData(DemoDataRepository db, ScheduleRepository catalog, Clock clock) {
        this.db = db;
        this.catalog = catalog;
        this.clock = clock;
    }

    static UUID id(String... parts) {
        return UUID.nameUUIDFromBytes(("onestop-demo:" + String.join("/", parts)).getBytes(StandardCharsets.UTF_8));
    }

    /** The framework subscribes to the returned Mono once the application is ready. */
    @EventListener(ApplicationReadyEvent.class)
    Mono<Void> load() {
        return Flux.fromIterable(HOSPITALS)
                .concatMap(this::hospital)
                .then()
                .doOnSuccess(v -> log.info("Booking demo data ready: {} hospitals with sessions for the coming week", HOSPITALS.size()))
                .doOnError(e -> log.warn("Could not load booking demo data", e));
    }

    private Mono<Void> hospital(Hosp h) {
        UUID hospitalId = id(h.key());
        Mono<Void> row = db.upsertHospital(hospitalId, h.name(), h.address(), h.lat(), h.lon(), h.level(), h.phone());
        return row.then(catalog.timetable(hospitalId)).flatMap(timetable -> Flux.fromIterable(h.departments())
                .concatMap(d -> department(hospitalId, h, d, timetable))
                .then());
    }

    private Mono<Void> department(UUID hospitalId, Hosp h, Dept d, ScheduleRepository.Timetable timetable) {
        UUID departmentId = id(h.key(), d.key());
        Mono<Void> row = db.upsertDepartment(departmentId, hospitalId, d.name());
        LocalDate today = LocalDate.ofInstant(clock.instant(), timetable.zone());
        return row.thenMany(Flux.fromIterable(d.doctors())).concatMap(doc -> {
            UUID doctorId = id(h.key(), d.key(), doc.key());
            Mono<Void> doctorRow = db.upsertDoctor(doctorId, hospitalId, departmentId, doc.name(), doc.title(), doc.specialty(),
                    doc.feeFen());
            return doctorRow.thenMany(Flux.range(0, 8)).concatMap(day -> Flux.just("MORNING", "AFTERNOON").concatMap(period -> {
                boolean morning = period.equals("MORNING");
                var schedule = new ScheduleRepository.NewSchedule(doctorId, today.plusDays(day), period,
                        morning ? LocalTime.of(8, 0) : LocalTime.of(13, 30), morning ? LocalTime.of(12, 0) : LocalTime.of(17, 30),
                        8, morning ? 2 : 1);
                return catalog.createSchedule(hospitalId, schedule, timetable)
                        .onErrorResume(BookingError.ScheduleExists.class, e -> Mono.empty())
                        .then();
            })).then();
        }).then();
    }
}
