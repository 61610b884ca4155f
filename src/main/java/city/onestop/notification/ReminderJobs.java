package city.onestop.notification;

import city.onestop.billing.BillingSummaries;
import city.onestop.booking.UpcomingAppointments;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The two reminder jobs. Each runs in one transaction that first takes a transaction-scoped advisory lock
 * ({@code pg_try_advisory_xact_lock}) and skips when another instance holds it; the notifications' dedup keys make a
 * second run (here or elsewhere, today or tomorrow) store nothing new.
 */
@Component
class ReminderJobs {

    private static final Logger log = LoggerFactory.getLogger(ReminderJobs.class);
    /** Advisory-lock keys: "billdue" and "apptrem" in ASCII. */
    static final long BILL_DUE_LOCK = 0x62696C6C647565L;
    static final long APPOINTMENT_REMINDER_LOCK = 0x61707074726D6DL;
    static final int BILL_DUE_DAYS = 3;

    /** What one run did: {@code ran} false when another instance held the lock; {@code stored} new notifications. */
    record Run(boolean ran, long stored) {}

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Notifications notifications;
    private final NotificationTexts texts;
    private final BillingSummaries billing;
    private final UpcomingAppointments appointments;
    private final Clock clock;
    private final ZoneId zone;

    ReminderJobs(DatabaseClient db, TransactionalOperator tx, Notifications notifications, BillingSummaries billing,
            UpcomingAppointments appointments, Clock clock, @Value("${onestop.notification.zone:Asia/Shanghai}") String zone,
            NotificationTexts texts) {
        this.texts = texts;
        this.db = db;
        this.tx = tx;
        this.notifications = notifications;
        this.billing = billing;
        this.appointments = appointments;
        this.clock = clock;
        this.zone = ZoneId.of(zone);
    }

    /**
     * Reminds every linked citizen of each unpaid bill due within {@value #BILL_DUE_DAYS} days (today included, so a
     * day the job did not run is caught up), once per bill and citizen.
     */
    Mono<Run> remindBillsDue(LocalDate today) {
        return locked(BILL_DUE_LOCK, billing.findBillsDueBetween(today, today.plusDays(BILL_DUE_DAYS))
                .concatMap(due -> Flux.fromIterable(due.citizenIds()).concatMap(citizen -> {
                    var b = due.bill();
                    long days = ChronoUnit.DAYS.between(today, b.dueDate());
                    return texts.languageOf(citizen).flatMap(l -> notifications.notify(citizen, "BILL_DUE_SOON",
                            days == 0 ? texts.text("notification.BILL_DUE_SOON.title.today", l)
                                    : days == 1 ? texts.text("notification.BILL_DUE_SOON.title.tomorrow", l)
                                    : texts.text("notification.BILL_DUE_SOON.title.days", l, days),
                            texts.text("notification.BILL_DUE_SOON.body", l, texts.text("utility." + b.utility().name(), l), b.period(),
                                    texts.money(b.total(), l), b.dueDate().toString()),
                            "bill-due:" + b.id()));
                })));
    }

    /** Reminds the booking citizen of each BOOKED appointment starting within the next 24 hours, once per appointment. */
    Mono<Run> remindAppointments(Instant now) {
        return locked(APPOINTMENT_REMINDER_LOCK, appointments.findBookedStartingBetween(now, now.plus(Duration.ofDays(1)))
                .concatMap(r -> {
                    var a = r.appointment();
                    String key = "notification.APPOINTMENT_REMINDER." + (a.patientName() == null ? "body" : "body-for");
                    return texts.languageOf(r.citizenId()).flatMap(l -> notifications.notify(r.citizenId(), "APPOINTMENT_REMINDER",
                            texts.text("notification.APPOINTMENT_REMINDER.title", l),
                            texts.text(key, l, a.patientName(), a.doctor(), a.department(), a.hospital(),
                                    a.start().format(BookingEventListener.WHEN)),
                            "appointment-reminder:" + r.appointmentId()));
                }));
    }

    private Mono<Run> locked(long key, Flux<Boolean> work) {
        return db.sql("SELECT pg_try_advisory_xact_lock(:key) AS locked")
                .bind("key", key)
                .map(row -> Boolean.TRUE.equals(row.get("locked", Boolean.class)))
                .one()
                .flatMap(locked -> locked ? work.filter(Boolean::booleanValue).count().map(n -> new Run(true, n)) : Mono.just(new Run(false, 0)))
                .as(tx::transactional);
    }

    @Scheduled(fixedDelayString = "${onestop.notification.bill-due-interval:1h}", initialDelayString = "${onestop.notification.initial-delay:1m}")
    void scheduledBillsDue() {
        remindBillsDue(LocalDate.now(clock.withZone(zone))).subscribe(run -> {
            if (run.stored() > 0) log.info("Bill-due reminders: {} stored", run.stored());
        }, e -> log.error("Bill-due reminder job failed", e));
    }

    @Scheduled(fixedDelayString = "${onestop.notification.reminder-interval:15m}", initialDelayString = "${onestop.notification.initial-delay:1m}")
    void scheduledAppointmentReminders() {
        remindAppointments(clock.instant()).subscribe(run -> {
            if (run.stored() > 0) log.info("Appointment reminders: {} stored", run.stored());
        }, e -> log.error("Appointment reminder job failed", e));
    }
}
