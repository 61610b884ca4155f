package city.onestop.transit.realtime.ingest;

import org.jspecify.annotations.Nullable;

/**
 * Something wrong with one entity (or one stop time inside it). Collected as values: one bad entity never spoils
 * the rest of the feed.
 */
record EntityProblem(String entityId, Reason reason, @Nullable String detail) {

    public enum Reason {
        /** The entity carries no vehicle, trip update or alert. */
        EMPTY_ENTITY,
        /** A vehicle without a position, or one outside WGS84 bounds. */
        MISSING_POSITION,
        /** A trip update without a trip id (route/direction/start-time matching is not supported). */
        MISSING_TRIP,
        /** A schedule relationship value this build does not know. */
        UNKNOWN_SCHEDULE_RELATIONSHIP,
        /** A stop time update naming neither stop sequence nor stop id: that stop time is dropped. */
        STOP_TIME_WITHOUT_STOP,
        /** A vehicle without any id: nothing to key it by. */
        MISSING_VEHICLE_ID,
        /** The same trip id appears twice: the later entity wins. */
        DUPLICATE_TRIP,
        /** Only known once static data is joined: a trip id not in the schedule. */
        UNKNOWN_TRIP,
        /** Only known once static data is joined: a stop id not in the schedule. */
        UNKNOWN_STOP
    }
}
