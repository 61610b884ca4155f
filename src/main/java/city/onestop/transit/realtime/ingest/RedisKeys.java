package city.onestop.transit.realtime.ingest;

/** Every Redis key and channel the realtime ingest owns, in one place (documented in docs/transit-live.md). */
public final class RedisKeys {

    /** Pub/sub channel: message {@code <feedId> <kind-slug> <version>} after each snapshot write. */
    static final String CHANGES_CHANNEL = "onestop:transit:rt:changes";

    private RedisKeys() {}

    public static String lease(String feedId) {
        return "onestop:transit:rt:{" + feedId + "}:lease";
    }

    static String snapshot(String feedId, FeedKind kind) {
        return "onestop:transit:rt:{" + feedId + "}:" + kind.slug();
    }

    static String snapshotVersion(String feedId, FeedKind kind) {
        return snapshot(feedId, kind) + ":version";
    }

    static String health(String feedId) {
        return "onestop:transit:rt:{" + feedId + "}:health";
    }
}
