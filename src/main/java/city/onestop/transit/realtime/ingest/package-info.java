/**
 * GTFS-realtime ingest: polls agency feeds under a Redis lease, decodes protobuf into OneStop's own records at
 * the edge, keeps the live state in Redis with an in-process near cache refreshed over pub/sub, and serves feed
 * health. Protobuf types of agency feeds never leave this package (the demo simulator builds its own).
 */
@NullMarked
package city.onestop.transit.realtime.ingest;

import org.jspecify.annotations.NullMarked;
