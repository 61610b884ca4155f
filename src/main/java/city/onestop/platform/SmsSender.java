package city.onestop.platform;

import reactor.core.publisher.Mono;

/**
 * Sends text messages through the city's SMS provider (see docs/sms.md for the HTTP API assumed). One bean:
 * the HTTP client ({@code onestop.sms.base-url}, {@code onestop.sms.api-key}), or the simulated sender that only
 * logs ({@code onestop.sms.simulated=true}, the {@code local} profile).
 */
public interface SmsSender {

    /**
     * Sends one text message; {@code idempotencyKey} makes a retried send deliver once at the provider, so callers
     * pass a key that is stable for one intended message (a verification id, not a random value per call).
     * Errors: {@link SmsRejected} (the provider refused the message: bad number, blocked...), {@link SmsUnavailable}
     * (timeout, 5xx, circuit breaker open, nothing configured).
     */
    Mono<SmsReceipt> send(String phoneE164, String text, String idempotencyKey);

    /** A mainland mobile number as stored by OneStop ({@code 13800138000}) in E.164 ({@code +8613800138000}). */
    static String chinaMobile(String elevenDigits) {
        return "+86" + elevenDigits;
    }
}
