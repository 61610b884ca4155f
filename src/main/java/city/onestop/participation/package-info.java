/** Citizen participation (政民互动, 12345): complaints, suggestions and enquiries routed to departments, handled on working-day deadlines, replied and published. */
@org.jspecify.annotations.NullMarked
package city.onestop.participation;
