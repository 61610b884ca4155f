/**
 * The citizen's dashboard: one call that gathers, in parallel and each within its own timeout, favourite stops with
 * their next arrivals, unpaid bills, upcoming appointments and the unread notification count.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Dashboard")
package city.onestop.dashboard;
