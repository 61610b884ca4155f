/**
 * GTFS-realtime ingest: polls agency feeds under a Redis lease, decodes protobuf into OneStop's own records at
 * the edge, keeps the live state in Redis with an in-process near cache refreshed over pub/sub, and serves feed
 * health. Protobuf types never leave this package.
 */
@NullMarked
package city.onestop.transit.realtime;

import org.jspecify.annotations.NullMarked;
