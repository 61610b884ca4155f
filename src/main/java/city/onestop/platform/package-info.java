/** Cross-cutting ground every feature stands on: errors, security, embedded servers, clock, request ids. */
@org.springframework.modulith.ApplicationModule(displayName = "Platform")
package city.onestop.platform;
