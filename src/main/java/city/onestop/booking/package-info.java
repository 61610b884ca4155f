/** Hospital appointments (预约挂号): catalogue, released slots, holds and bookings that can never oversell, staff tools and a FHIR R4 view. */
@org.jspecify.annotations.NullMarked
package city.onestop.booking;
