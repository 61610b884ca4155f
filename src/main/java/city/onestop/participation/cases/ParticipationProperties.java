package city.onestop.participation.cases;

import java.time.Duration;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Participation settings ({@code onestop.participation.*}), defaulted here.
 *
 * @param zone the zone working days are counted in
 * @param acknowledgeWorkingDays how many working days a department has to accept (or reject, transfer) a new case
 * @param replyWorkingDays per case type, how many working days from submission until the reply is due
 * @param submissionsPerDay how many cases one citizen may file in 24 hours
 */
@ConfigurationProperties("onestop.participation")
public record ParticipationProperties(ZoneId zone, Integer acknowledgeWorkingDays, Map<CaseType, Integer> replyWorkingDays,
        Integer submissionsPerDay) {

    public ParticipationProperties {
        if (zone == null) zone = ZoneId.of("Asia/Shanghai");
        if (acknowledgeWorkingDays == null) acknowledgeWorkingDays = 1;
        Map<CaseType, Integer> reply = new EnumMap<>(CaseType.class);
        // 12345 practice: an enquiry or praise is answered within 5 working days, a complaint or suggestion within 15.
        reply.put(CaseType.COMPLAINT, 15);
        reply.put(CaseType.SUGGESTION, 15);
        reply.put(CaseType.ENQUIRY, 5);
        reply.put(CaseType.PRAISE, 5);
        if (replyWorkingDays != null) reply.putAll(replyWorkingDays);
        replyWorkingDays = Map.copyOf(reply);
        if (submissionsPerDay == null) submissionsPerDay = 20;
        if (acknowledgeWorkingDays < 1 || reply.values().stream().anyMatch(d -> d == null || d < 1) || submissionsPerDay < 1) {
            throw new IllegalArgumentException("onestop.participation: working-day counts and limits must be at least 1");
        }
    }

    public int replyWorkingDays(CaseType type) {
        return replyWorkingDays.get(type);
    }

    public Duration submissionWindow() {
        return Duration.ofDays(1);
    }
}
