package city.onestop.platform;

/**
 * The message could not be handed to the SMS provider now (timeout, connection refused, 5xx, 408/429, circuit
 * breaker open, no provider configured). Whether it will be delivered is unknown only after a timeout; a retry
 * with the same idempotency key is safe either way.
 */
public class SmsUnavailable extends RuntimeException {

    public SmsUnavailable(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
