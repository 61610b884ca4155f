/**
 * Transit's HTTP API: stops, routes, departures, arrival boards and their streams, vehicles, alerts, feed status
 * and the admin import endpoints; problem details for their errors.
 */
package city.onestop.transit.web;

