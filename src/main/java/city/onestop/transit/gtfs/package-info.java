/**
 * GTFS import: reads a static feed into records, validates it, places stops along shapes, and stores it as a new
 * feed version in PostgreSQL (COPY), switching versions atomically.
 */
package city.onestop.transit.gtfs;

