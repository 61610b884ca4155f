package city.onestop.transit.realtime.ingest;

import java.time.Duration;

/** A snapshot as served: with its age at the time of reading and whether it is too old to trust. */
public record LiveView(LiveSnapshot snapshot, Duration age, boolean stale) {}
