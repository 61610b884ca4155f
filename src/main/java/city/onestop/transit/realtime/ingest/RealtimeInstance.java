package city.onestop.transit.realtime.ingest;

/** Who this app instance is when it holds a feed lease: host name plus a random suffix, unique per start. */
record RealtimeInstance(String id) {}
