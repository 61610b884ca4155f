package city.onestop.booking;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

/** The JSON shapes booking answers with. Times are strings with the hospital's offset (+08:00). */
public final class Views {

    private Views() {}

    public static String at(OffsetDateTime t, ZoneId zone) {
        return t == null ? null : t.atZoneSameInstant(zone).toOffsetDateTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    public static String at(Instant t, ZoneId zone) {
        return t == null ? null : t.atZone(zone).toOffsetDateTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    public record Money(String amount, String currency) {
        public static Money ofFen(long fen) {
            return new Money(java.math.BigDecimal.valueOf(fen, 2).toPlainString(), "CNY");
        }
    }

    public record Ref(UUID id, String name) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DoctorRef(UUID id, String name, String title) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Hospital(UUID id, String name, String address, Double lat, Double lon, String level, String phone,
            String zone, int releaseDaysAhead, String releaseTime, int cancelDeadlineDaysBefore, Long distanceMeters) {}

    public record Department(UUID id, UUID hospitalId, String name, String description) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Doctor(UUID id, UUID hospitalId, UUID departmentId, String name, String title, String specialty,
            Money registrationFee) {}

    public record Slot(UUID slotId, int number, String start, String end, int capacity, int remaining, boolean released) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Session(UUID scheduleId, String date, String period, String start, String end, String status,
            String releaseAt, DoctorRef doctor, Ref department, Ref hospital, int free, List<Slot> slots,
            String suspendReason) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Appointment(UUID id, String status, UUID slotId, UUID scheduleId, UUID citizenId, UUID patientId,
            String patientName, String date, String start, String end, DoctorRef doctor, Ref department, Ref hospital,
            String holdExpiresAt, String cancelDeadline, String statusReason, UUID rescheduledFrom, String createdAt,
            @com.fasterxml.jackson.annotation.JsonIgnore Instant createdInstant) {}

    public record HistoryEntry(String from, String to, UUID actor, String reason, String at) {}

    public record FamilyMember(UUID id, String name, String idNumberMasked, String relationship, String createdAt) {}
}
