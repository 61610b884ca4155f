package city.onestop.transit;

/** API ids are {@code {feedId}:{gtfsId}}; the feed id has no colon, the GTFS id may. */
public record TransitIds(String feedId, String gtfsId) {

    public static TransitIds parse(String id) {
        int colon = id.indexOf(':');
        if (colon <= 0 || colon == id.length() - 1) {
            return new TransitIds("", id);
        }
        return new TransitIds(id.substring(0, colon), id.substring(colon + 1));
    }

    public static String of(String feedId, String gtfsId) {
        return feedId + ":" + gtfsId;
    }
}
