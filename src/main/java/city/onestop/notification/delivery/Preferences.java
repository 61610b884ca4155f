package city.onestop.notification.delivery;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where a citizen wants each type of notification besides the inbox (which always keeps everything), when not to
 * be disturbed, and how many texts a day at most. {@code quietStart}/{@code quietEnd} are local times in
 * {@code zone}; a window may span midnight (22:00 to 07:00).
 */
record Preferences(Map<String, Set<Channel>> channels, @Nullable LocalTime quietStart, @Nullable LocalTime quietEnd, ZoneId zone,
        int smsDailyCap) {

    enum Channel { IN_APP, WEB_PUSH, SMS }

    static final List<String> KNOWN_TYPES = List.of("BILL_ISSUED", "BILL_DUE_SOON", "PAYMENT_SUCCEEDED", "PAYMENT_REFUNDED",
            "APPOINTMENT_BOOKED", "APPOINTMENT_REMINDER", "APPOINTMENT_CANCELLED_BY_HOSPITAL", "BUS_APPROACHING",
            "ACCOUNT_LINK_CHANGED");
    static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Shanghai");
    static final int DEFAULT_SMS_CAP = 3;

    /**
     * Every type to the inbox and Web Push; no quiet hours; 3 texts a day once the citizen chooses SMS for a type.
     * SMS is opt-in: a text costs the city money and reaches a phone the citizen may share, so only they turn it on.
     */
    static Preferences defaults() {
        Map<String, Set<Channel>> channels = new java.util.LinkedHashMap<>();
        for (String type : KNOWN_TYPES) {
            channels.put(type, Set.of(Channel.IN_APP, Channel.WEB_PUSH));
        }
        return new Preferences(Map.copyOf(channels), null, null, DEFAULT_ZONE, DEFAULT_SMS_CAP);
    }

    /** The channels for a type; a type not listed (a new one) goes to the inbox and Web Push. */
    Set<Channel> channelsFor(String type) {
        return channels.getOrDefault(type, Set.of(Channel.IN_APP, Channel.WEB_PUSH));
    }

    boolean inQuietHours(Instant now) {
        if (quietStart == null || quietEnd == null) return false;
        LocalTime t = now.atZone(zone).toLocalTime();
        return quietStart.isBefore(quietEnd)
                ? !t.isBefore(quietStart) && t.isBefore(quietEnd)
                : !t.isBefore(quietStart) || t.isBefore(quietEnd);
    }
}
