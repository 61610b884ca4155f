/**
 * The demo city: its generated GTFS feed and its simulated buses (per trip, and per line like Guangzhou's bus GPS),
 * served as GTFS-realtime and polled like any agency's feed in the {@code local} profile.
 */
package city.onestop.transit.demo;

