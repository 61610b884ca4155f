package city.onestop.participation.publication;

import city.onestop.citizen.CitizenDirectory;
import city.onestop.citizen.CitizenSummary;
import city.onestop.participation.cases.CalendarStore;
import city.onestop.participation.cases.CaseType;
import city.onestop.participation.cases.ParticipationProperties;
import city.onestop.participation.cases.WorkingCalendar;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * What the city publishes: replied cases whose submitters consented, masked ({@link PublicTextMasker}), and monthly
 * figures per department over every case.
 */
@Service
public class Publication {

    /** A published case. {@code timeToReply} is ISO-8601; {@code workingDaysToReply} counts working days after filing. */
    public record PublicCase(String reference, CaseType type, String category, String title, String text, String reply,
            String department, String departmentEn, OffsetDateTime submittedAt, OffsetDateTime repliedAt, String timeToReply,
            int workingDaysToReply, boolean repliedOnTime) {}

    /** One department's month. {@code satisfaction} is confirmed / (confirmed + reopened), null when nobody said. */
    public record MonthStats(UUID departmentId, String department, String departmentEn, String month, long received, long replied,
            long repliedOnTime, String medianTimeToReply, Double medianHoursToReply, long confirmedResolved, long reopened,
            Double satisfaction, Double averageRating, long ratings) {}

    private final DatabaseClient db;
    private final CitizenDirectory citizens;
    private final CalendarStore calendars;
    private final ParticipationProperties properties;

    Publication(DatabaseClient db, CitizenDirectory citizens, CalendarStore calendars, ParticipationProperties properties) {
        this.db = db;
        this.citizens = citizens;
        this.calendars = calendars;
        this.properties = properties;
    }

    private record Row(UUID id, String reference, UUID citizenId, CaseType type, String category, String title, String body, String reply,
            String department, String departmentEn, Instant submittedAt, Instant repliedAt, Instant replyDueAt) {}

    /** Replied, consented cases, latest reply first, after the keyset position; {@code limit + 1} of them. */
    public Mono<List<PublicCase>> listPublished(UUID departmentId, String category, Instant beforeAt, String beforeReference, int limit) {
        StringBuilder where = new StringBuilder(" WHERE c.public_consent AND c.replied_at IS NOT NULL AND c.status IN ('REPLIED', 'CLOSED')");
        if (departmentId != null) where.append(" AND c.department_id = :department");
        if (category != null) where.append(" AND c.category = :category");
        if (beforeAt != null) where.append(" AND (c.replied_at, c.reference) < (:at, :ref)");
        DatabaseClient.GenericExecuteSpec spec = db.sql("""
                        SELECT c.id, c.reference, c.citizen_id, c.type, c.category, c.title, c.body, c.reply, c.submitted_at, c.replied_at,
                               c.reply_due_at, d.name, d.name_en
                        FROM participation_cases c JOIN participation_departments d ON d.id = c.department_id"""
                        + where + " ORDER BY c.replied_at DESC, c.reference DESC LIMIT :limit")
                .bind("limit", limit + 1);
        if (departmentId != null) spec = spec.bind("department", departmentId);
        if (category != null) spec = spec.bind("category", category);
        if (beforeAt != null) spec = spec.bind("at", beforeAt.atOffset(ZoneOffset.UTC)).bind("ref", beforeReference);
        return spec.map(row -> new Row(row.get("id", UUID.class), row.get("reference", String.class), row.get("citizen_id", UUID.class),
                        CaseType.valueOf(row.get("type", String.class)), row.get("category", String.class), row.get("title", String.class),
                        row.get("body", String.class), row.get("reply", String.class), row.get("name", String.class),
                        row.get("name_en", String.class), instant(row, "submitted_at"), instant(row, "replied_at"),
                        instant(row, "reply_due_at")))
                .all()
                .collectList()
                .zipWith(calendars.calendar())
                .flatMap(t -> reactor.core.publisher.Flux.fromIterable(t.getT1())
                        .flatMapSequential(r -> citizens.findCitizen(r.citizenId()).map(CitizenSummary::realName).defaultIfEmpty("")
                                .map(name -> publish(r, name, t.getT2())), 8)
                        .collectList());
    }

    private PublicCase publish(Row r, String submitterName, WorkingCalendar calendar) {
        List<String> names = submitterName.isBlank() ? List.of() : List.of(submitterName);
        LocalDate filed = LocalDate.ofInstant(r.submittedAt(), properties.zone());
        LocalDate replied = LocalDate.ofInstant(r.repliedAt(), properties.zone());
        int workingDays = 0;
        for (LocalDate d = filed.plusDays(1); !d.isAfter(replied); d = d.plusDays(1)) {
            if (calendar.isWorkingDay(d)) workingDays++;
        }
        return new PublicCase(r.reference(), r.type(), r.category(), PublicTextMasker.mask(r.title(), names),
                PublicTextMasker.mask(r.body(), names), PublicTextMasker.mask(r.reply(), names), r.department(), r.departmentEn(),
                r.submittedAt().atZone(properties.zone()).toOffsetDateTime(), r.repliedAt().atZone(properties.zone()).toOffsetDateTime(),
                Duration.between(r.submittedAt(), r.repliedAt()).withNanos(0).toString(), workingDays,
                !r.repliedAt().isAfter(r.replyDueAt()));
    }

    /** Monthly figures per department for the months {@code [from, to]} (China Standard Time). */
    public Mono<List<MonthStats>> stats(YearMonth from, YearMonth to, UUID departmentId) {
        Instant start = from.atDay(1).atStartOfDay(properties.zone()).toInstant();
        Instant end = to.plusMonths(1).atDay(1).atStartOfDay(properties.zone()).toInstant();
        String department = departmentId == null ? "" : " AND c.department_id = :department";
        DatabaseClient.GenericExecuteSpec spec = db.sql("""
                        SELECT c.department_id, d.name, d.name_en,
                               to_char(date_trunc('month', c.submitted_at AT TIME ZONE :zone), 'YYYY-MM') AS month,
                               count(*) AS received,
                               count(*) FILTER (WHERE c.replied_at IS NOT NULL) AS replied,
                               count(*) FILTER (WHERE c.replied_at IS NOT NULL AND c.replied_at <= c.reply_due_at) AS on_time,
                               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.replied_at - c.submitted_at))
                                   FILTER (WHERE c.replied_at IS NOT NULL) AS median_seconds,
                               count(*) FILTER (WHERE c.satisfied) AS confirmed,
                               count(*) FILTER (WHERE c.reopened) AS reopened
                        FROM participation_cases c JOIN participation_departments d ON d.id = c.department_id
                        WHERE c.submitted_at >= :start AND c.submitted_at < :end""" + department + """

                        GROUP BY c.department_id, d.name, d.name_en, month
                        ORDER BY month, d.name, c.department_id""")
                .bind("zone", properties.zone().getId())
                .bind("start", start.atOffset(ZoneOffset.UTC))
                .bind("end", end.atOffset(ZoneOffset.UTC));
        if (departmentId != null) spec = spec.bind("department", departmentId);
        return spec.map(row -> {
                    Double median = row.get("median_seconds", Double.class);
                    long confirmed = row.get("confirmed", Long.class);
                    long reopened = row.get("reopened", Long.class);
                    return new MonthStats(row.get("department_id", UUID.class), row.get("name", String.class), row.get("name_en", String.class),
                            row.get("month", String.class), row.get("received", Long.class), row.get("replied", Long.class),
                            row.get("on_time", Long.class), median == null ? null : Duration.ofSeconds(Math.round(median)).toString(),
                            median == null ? null : Math.round(median / 36.0) / 100.0, confirmed, reopened,
                            confirmed + reopened == 0 ? null : (double) confirmed / (confirmed + reopened), null, 0);
                })
                .all()
                .collectList();
    }

    private static Instant instant(io.r2dbc.spi.Readable row, String column) {
        OffsetDateTime t = row.get(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
