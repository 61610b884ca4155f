package city.onestop.transit.realtime.ingest;

import java.util.Map;

/**
 * What the schedule side adds to a snapshot on the polling instance, before it is published: the vehicles placed on
 * their trips and lines, and the counts of ids the timetable does not know. Implemented by
 * {@code arrivals.ArrivalBoards}; ingest itself knows no timetable.
 */
public interface SnapshotPlacer {

    /** Counts of the snapshot's trip and stop ids that the current timetable lacks (feed health); empty if unknown. */
    Map<String, Long> scheduleProblems(LiveSnapshot snapshot);

    /** The snapshot with its vehicles placed (VehiclePositions); any other snapshot unchanged. */
    LiveSnapshot withPlacements(LiveSnapshot snapshot);
}
