package city.onestop.transit.gtfs;

/**
 * A feed that cannot be loaded at all; nothing of it reaches the database. {@code code} is stable (UPPER_SNAKE)
 * and becomes the problem code of the import endpoint.
 */
public class FeedRejected extends RuntimeException {

    private final String code;

    public FeedRejected(String code, String detail) {
        super(detail, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
