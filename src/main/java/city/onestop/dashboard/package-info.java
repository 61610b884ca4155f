/**
 * The citizen's dashboard: one call that gathers, in parallel and each within its own timeout, favourite stops with
 * their next arrivals, unpaid bills, upcoming appointments, the unread notification count and the open cases with their
 * next deadline.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Dashboard")
package city.onestop.dashboard;
