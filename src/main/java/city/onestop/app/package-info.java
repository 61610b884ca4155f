/**
 * The city app: a reference web client (a PWA of static files inside the jar) served at {@code /}; it talks to the
 * API like any other client and owns no data. Switched by {@code onestop.app.enabled} (off in {@code prod} unless
 * enabled).
 */
@org.springframework.modulith.ApplicationModule(displayName = "City app")
@org.jspecify.annotations.NullMarked
package city.onestop.app;
