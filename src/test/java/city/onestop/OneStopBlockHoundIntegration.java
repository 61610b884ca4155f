package city.onestop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The only blocking calls tolerated on non-blocking threads in tests, each with its reason. BlockHound is
 * installed for the whole suite by blockhound-junit-platform; anything else blocking fails the test.
 */
public class OneStopBlockHoundIntegration implements BlockHoundIntegration {

    private static final Logger log = LoggerFactory.getLogger(OneStopBlockHoundIntegration.class);

    @Override
    public void applyTo(BlockHound.Builder builder) {
        // Every detection is logged before it is thrown: thrown inside a library's critical section (a lock, a
        // connection's write path) the error may be swallowed there and leave that library stuck for every later
        // caller, with nothing in the log to say why; "BlockingOperationError" in the log names the place.
        builder.blockingMethodCallback(method -> {
            BlockingOperationError error = new BlockingOperationError(method);
            log.error("BlockingOperationError on thread {}: {}", Thread.currentThread().getName(), method, error);
            throw error;
        });
        // SecureRandom reads /dev/urandom, which never blocks once the kernel pool is seeded (long before we start):
        // request ids, entity ids and refresh tokens use it.
        builder.allowBlockingCallsInside("java.security.SecureRandom", "nextBytes");
        builder.allowBlockingCallsInside("java.util.UUID", "randomUUID");
        // Logback writes log lines synchronously to the console; logging is not request work.
        builder.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes");
        builder.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "subAppend");
        // Hibernate Validator reads its message bundle from its jar the first time a constraint fails for a
        // locale, then caches it: a one-off read from the class path, like class loading (which is allowed).
        builder.allowBlockingCallsInside(
                "org.hibernate.validator.resourceloading.PlatformResourceBundleLocator", "loadBundle");
        // Its caches (each bean type's constraint metadata on first validation, each message template's parsed
        // tokens) are segmented maps whose segments a ReentrantLock guards only for the put (in memory, no I/O): two
        // requests validated at the same instant briefly contend for it (seen by HostileInputIT on POST
        // /api/v1/booking/staff/doctors and POST /api/v1/cases/{id}/withdraw).
        builder.allowBlockingCallsInside("org.hibernate.validator.internal.util.ConcurrentReferenceHashMap$Segment", "put");
        // Lettuce guards its shared connection's write path with a short in-memory lock (no I/O inside): two event
        // loops writing Redis commands at the same instant briefly contend for it. Without this allowance the
        // BlockingOperationError thrown inside the lock leaves a dead waiter queued and every later writer hangs.
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters");
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "decrementWriters");
        // The same lock taken exclusively (flushing commands queued while disconnected, on reconnect): a BlockHound
        // error thrown there would leave the endpoint's writer count broken and hang every later command.
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "doExclusive");
        // Nothing for Spring Data Redis's connection lock: requests never take it (platform.redis.HeldRedisConnectionFactory
        // holds the one connection), and nothing for Jackson's deserializer-cache lock: every request body type is
        // prepared at start-up (platform.web.JsonCodecWarmUp). A BlockingOperationError from either is a real defect.
        // Netty 4.2's adaptive buffer allocator takes a StampedLock for a moment when it grows its magazines under
        // contention (seen when the R2DBC driver encodes COPY data for a transit feed import): allocator bookkeeping,
        // never I/O.
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
        // springdoc builds the OpenAPI document once (at start-up, springdoc.pre-loading-enabled; else on the first
        // GET /v3/api-docs), scanning classes from the jar; it is cached afterwards and is not request work.
        builder.allowBlockingCallsInside("org.springdoc.api.AbstractOpenApiResource", "getOpenApi");
    }
}
