/**
 * Arrival boards: the schedule joined with the live state (predictions decide membership), vehicles placed on their
 * lines, alerts on boards and rows, and the one {@link city.onestop.transit.StopBoards} other modules use.
 */
@NullMarked
package city.onestop.transit.arrivals;

import org.jspecify.annotations.NullMarked;
