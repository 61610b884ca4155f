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
            redisPort = freePort();
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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }
}
