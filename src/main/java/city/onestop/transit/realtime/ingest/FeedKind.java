package city.onestop.transit.realtime.ingest;

/** The three GTFS-realtime feed types a feed may publish, each at its own URL. */
public enum FeedKind {
    VEHICLE_POSITIONS("vehicle-positions"),
    TRIP_UPDATES("trip-updates"),
    ALERTS("alerts");

    private final String slug;

    FeedKind(String slug) {
        this.slug = slug;
    }

    public String slug() {
        return slug;
    }

    static FeedKind fromSlug(String slug) {
        for (FeedKind k : values()) {
            if (k.slug.equals(slug)) return k;
        }
        throw new IllegalArgumentException("unknown feed kind " + slug);
    }
}
