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
 * @param reviewWords words (matched case-insensitively) that hold a case for the city office to review before its
 *     department sees it
 */
@ConfigurationProperties("onestop.participation")
public record ParticipationProperties(ZoneId zone, Integer acknowledgeWorkingDays, Map<CaseType, Integer> replyWorkingDays,
        Integer submissionsPerDay, java.util.List<String> reviewWords) {

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
        reviewWords = reviewWords == null ? java.util.List.of()
                : reviewWords.stream().filter(w -> w != null && !w.isBlank()).map(w -> w.strip().toLowerCase(java.util.Locale.ROOT)).toList();
        if (acknowledgeWorkingDays < 1 || reply.values().stream().anyMatch(d -> d == null || d < 1) || submissionsPerDay < 1) {
            throw new IllegalArgumentException("onestop.participation: working-day counts and limits must be at least 1");
        }
    }

    public int replyWorkingDays(CaseType type) {
        return replyWorkingDays.get(type);
    }

    /** Whether the text contains one of the review words. */
    public boolean needsReview(String... texts) {
        for (String t : texts) {
            if (t == null) continue;
            String lower = t.toLowerCase(java.util.Locale.ROOT);
            for (String w : reviewWords) {
                if (lower.contains(w)) return true;
            }
        }
        return false;
    }

    public Duration submissionWindow() {
        return Duration.ofDays(1);
    }
}
