/** Cross-cutting ground every feature stands on: errors, security, embedded servers, clock, request ids. */
@org.springframework.modulith.ApplicationModule(displayName = "Platform", type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package city.onestop.platform;
