/** Public transport: loads agencies' GTFS feeds and answers which stops and lines are near and when they run. */
@org.springframework.modulith.ApplicationModule(displayName = "Transit")
@org.jspecify.annotations.NullMarked
package city.onestop.transit;
