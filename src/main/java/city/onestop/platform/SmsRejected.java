package city.onestop.platform;

/**
 * The SMS provider refused the message (HTTP 4xx other than 408/429: an invalid or blocked number, a text too
 * long). Sending it again will not help.
 */
public class SmsRejected extends RuntimeException {

    private final int providerStatus;

    public SmsRejected(String message, int providerStatus) {
        super(message, null, false, false);
        this.providerStatus = providerStatus;
    }

    /** The provider's HTTP status, or 0 when the message was refused before it was sent (a malformed number). */
    public int providerStatus() {
        return providerStatus;
    }
}
