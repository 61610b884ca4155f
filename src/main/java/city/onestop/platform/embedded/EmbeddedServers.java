package city.onestop.platform.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * The embedded PostgreSQL and Redis servers of one JVM. They are started before the Spring context (the
 * R2DBC and Redis URLs must be known when auto-configuration runs) and shared by every context in the JVM,
 * which is what lets all integration tests of a run share one pair of servers.
 */
public final class EmbeddedServers {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedServers.class);

    private static EmbeddedPostgres postgres;
    private static RedisServer redis;
    private static int redisPort;
    private static int users;

    private EmbeddedServers() {}

    /** Starts (once per JVM) an embedded PostgreSQL whose data lives in {@code dataDir}; returns its port. */
    public static synchronized int startPostgres(Path dataDir) {
        if (postgres == null) {
            try {
                Files.createDirectories(dataDir);
                long started = System.nanoTime();
                postgres = EmbeddedPostgres.builder()
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(false)
                        .setRegisterShutdownHook(true)
                        .setPort(freePort())
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .setServerConfig("max_connections", "200")
                        .setServerConfig("fsync", "off".equals(System.getProperty("onestop.embedded.fsync")) ? "off" : "on")
                        .start();
                log.info(
                        "Embedded PostgreSQL started on port {} with data in {} ({} ms)",
                        postgres.getPort(),
                        dataDir.toAbsolutePath(),
                        (System.nanoTime() - started) / 1_000_000);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start embedded PostgreSQL in " + dataDir, e);
            }
        }
        return postgres.getPort();
    }

    /** Starts (once per JVM) an embedded Redis on a free port; returns the port. */
    public static synchronized int startRedis() {
        if (redis == null) {
            redisPort = portBelowTheEphemeralRange();
            startRedisOn(redisPort);
        }
        return redisPort;
    }

    private static void startRedisOn(int port) {
        try {
            redis = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .build();
            redis.start();
            log.info("Embedded Redis started on port {}", port);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start embedded Redis", e);
        }
    }

    /** Stops the embedded Redis, keeping its port so {@link #restartRedis()} brings it back where clients expect it. */
    public static synchronized void stopRedis() {
        if (redis != null) {
            try {
                redis.stop();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static synchronized void restartRedis() {
        stopRedis();
        startRedisOn(redisPort);
    }

    static synchronized void retain() {
        users++;
    }

    /** Stops both servers once the last application context that uses them has closed. */
    static synchronized void release() {
        users--;
        if (users > 0) {
            return;
        }
        if (redis != null) {
            try {
                redis.stop();
            } catch (IOException | RuntimeException e) {
                log.warn("Embedded Redis did not stop cleanly", e);
            }
            redis = null;
        }
        if (postgres != null) {
            try {
                postgres.close();
                log.info("Embedded PostgreSQL stopped");
            } catch (IOException | RuntimeException e) {
                log.warn("Embedded PostgreSQL did not stop cleanly", e);
            }
            postgres = null;
        }
    }

    static synchronized boolean running() {
        return postgres != null || redis != null;
    }

    /**
     * A free port under Linux's ephemeral range (32768 and up), for the server that may be restarted on its port.
     * While it is down its clients reconnect many times a second, and a connect that the kernel gives the target
     * port itself as source port connects to itself (TCP simultaneous open) and then holds the port the restarted
     * server needs. Ports the kernel hands out for connects never fall below the range.
     */
    private static int portBelowTheEphemeralRange() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(20_000, 32_000);
            try (ServerSocket probe = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // another one
            }
        }
        return freePort();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }
}
