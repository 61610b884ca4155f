package city.onestop.booking;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Booking settings ({@code onestop.booking.*}); every one has a default here.
 *
 * @param holdDuration how long a hold keeps its slot
 * @param maxActivePerPatient the cap of active (held, booked, arrived, checked-in) appointments per patient
 * @param noShowGrace how long after a session ends a booked appointment becomes a no-show
 * @param noShowThreshold no-shows within {@code noShowWindow} that suspend booking
 * @param noShowWindow the window counted for the threshold
 * @param suspensionLength how long a suspension lasts
 * @param availabilityCacheTtl the longest any cached availability is served (the staleness bound)
 * @param rateLimitAttempts booking attempts (holds, bookings, reschedules) per citizen per {@code rateLimitWindow}
 * @param rateLimitWindow the rate-limit window
 */
@ConfigurationProperties("onestop.booking")
public record BookingProperties(
        Duration holdDuration,
        int maxActivePerPatient,
        Duration noShowGrace,
        int noShowThreshold,
        Duration noShowWindow,
        Duration suspensionLength,
        Duration availabilityCacheTtl,
        int rateLimitAttempts,
        Duration rateLimitWindow) {

    public BookingProperties {
        holdDuration = holdDuration == null ? Duration.ofMinutes(10) : holdDuration;
        maxActivePerPatient = maxActivePerPatient <= 0 ? 5 : maxActivePerPatient;
        noShowGrace = noShowGrace == null ? Duration.ofMinutes(30) : noShowGrace;
        noShowThreshold = noShowThreshold <= 0 ? 3 : noShowThreshold;
        noShowWindow = noShowWindow == null ? Duration.ofDays(90) : noShowWindow;
        suspensionLength = suspensionLength == null ? Duration.ofDays(90) : suspensionLength;
        availabilityCacheTtl = availabilityCacheTtl == null ? Duration.ofSeconds(1) : availabilityCacheTtl;
        rateLimitAttempts = rateLimitAttempts <= 0 ? 20 : rateLimitAttempts;
        rateLimitWindow = rateLimitWindow == null ? Duration.ofSeconds(10) : rateLimitWindow;
        if (availabilityCacheTtl.compareTo(Duration.ofSeconds(1)) > 0) {
            // The promise: a full slot never shows as free for longer than a second.
            throw new IllegalArgumentException("onestop.booking.availability-cache-ttl must be at most 1s");
        }
    }
}
