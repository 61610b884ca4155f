/**
 * The static timetable as the API reads it: each feed's current version (one in-memory timetable per version,
 * one eviction rule), service days and calendars, the one polyline type, and the cached reads of stops, routes and
 * departures.
 */
@NullMarked
package city.onestop.transit.schedule;

import org.jspecify.annotations.NullMarked;
