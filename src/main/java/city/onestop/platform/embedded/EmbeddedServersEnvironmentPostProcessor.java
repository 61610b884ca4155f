package city.onestop.platform.embedded;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Decides where PostgreSQL and Redis are. {@code ONESTOP_DB_URL} / {@code ONESTOP_REDIS_URL} (or the
 * standard Spring properties) point at real servers; when neither is given, embedded servers are started
 * and the R2DBC, Flyway and Redis properties are pointed at them.
 */
public class EmbeddedServersEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String SOURCE = "onestopServers";

    @Override
    public int getOrder() {
        // After application.yml and profiles are loaded, so that their settings are seen.
        return Ordered.LOWEST_PRECEDENCE - 10;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (env.getPropertySources().contains(SOURCE)) {
            return;
        }
        Map<String, Object> props = new LinkedHashMap<>();
        Path dataDir = dataDir(env);
        boolean embeddedUsed = false;

        String dbUrl = env.getProperty("onestop.db.url");
        if (dbUrl != null && !dbUrl.isBlank()) {
            DatabaseUrl url = DatabaseUrl.parse(dbUrl);
            props.put("spring.r2dbc.url", url.r2dbc());
            props.put("spring.flyway.url", url.jdbc());
            url.user().ifPresent(u -> {
                props.put("spring.r2dbc.username", u);
                props.put("spring.flyway.user", u);
            });
            url.password().ifPresent(p -> {
                props.put("spring.r2dbc.password", p);
                props.put("spring.flyway.password", p);
            });
        } else if (env.containsProperty("spring.r2dbc.url")) {
            String r2dbc = env.getProperty("spring.r2dbc.url");
            if (!env.containsProperty("spring.flyway.url")) {
                props.put("spring.flyway.url", DatabaseUrl.parse(r2dbc).jdbc());
                copy(env, props, "spring.r2dbc.username", "spring.flyway.user");
                copy(env, props, "spring.r2dbc.password", "spring.flyway.password");
            }
        } else if (embeddedEnabled(env)) {
            int port = EmbeddedServers.startPostgres(dataDir.resolve("postgres"));
            String base = "//localhost:" + port + "/postgres";
            props.put("spring.r2dbc.url", "r2dbc:postgresql:" + base);
            props.put("spring.r2dbc.username", "postgres");
            props.put("spring.r2dbc.password", "postgres");
            props.put("spring.flyway.url", "jdbc:postgresql:" + base);
            props.put("spring.flyway.user", "postgres");
            props.put("spring.flyway.password", "postgres");
            embeddedUsed = true;
        }

        String redisUrl = env.getProperty("onestop.redis.url");
        if (redisUrl != null && !redisUrl.isBlank()) {
            props.put("spring.data.redis.url", redisUrl);
        } else if (!env.containsProperty("spring.data.redis.url")
                && !env.containsProperty("spring.data.redis.host")
                && embeddedEnabled(env)) {
            int port = EmbeddedServers.startRedis();
            props.put("spring.data.redis.host", "127.0.0.1");
            props.put("spring.data.redis.port", port);
            embeddedUsed = true;
        }
        props.put("onestop.embedded.active", embeddedUsed);
        env.getPropertySources().addFirst(new MapPropertySource(SOURCE, props));
    }

    private static boolean embeddedEnabled(ConfigurableEnvironment env) {
        return env.getProperty("onestop.embedded.enabled", Boolean.class, true);
    }

    private static Path dataDir(ConfigurableEnvironment env) {
        if (env.getProperty("onestop.embedded.ephemeral", Boolean.class, false)) {
            try {
                Path dir = Files.createTempDirectory("onestop-");
                dir.toFile().deleteOnExit();
                return dir;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return Path.of(env.getProperty("onestop.data-dir", "./data"));
    }

    private static void copy(ConfigurableEnvironment env, Map<String, Object> props, String from, String to) {
        String value = env.getProperty(from);
        if (value != null) {
            props.put(to, value);
        }
    }

    /** A PostgreSQL URL in any of the forms operators paste: postgresql://, jdbc:postgresql://, r2dbc:postgresql://. */
    record DatabaseUrl(String host, int port, String database, String query, java.util.Optional<String> user,
            java.util.Optional<String> password) {

        static DatabaseUrl parse(String raw) {
            String s = raw.trim();
            if (s.startsWith("jdbc:")) {
                s = s.substring(5);
            } else if (s.startsWith("r2dbc:")) {
                s = s.substring(6);
            }
            if (s.startsWith("postgres://")) {
                s = "postgresql://" + s.substring("postgres://".length());
            }
            if (!s.startsWith("postgresql://")) {
                throw new IllegalArgumentException("Not a PostgreSQL URL: expected postgresql://host:port/db");
            }
            URI uri = URI.create(s);
            java.util.Optional<String> user = java.util.Optional.empty();
            java.util.Optional<String> password = java.util.Optional.empty();
            if (uri.getUserInfo() != null) {
                String[] parts = uri.getUserInfo().split(":", 2);
                user = java.util.Optional.of(parts[0]);
                if (parts.length > 1) {
                    password = java.util.Optional.of(parts[1]);
                }
            }
            String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
            return new DatabaseUrl(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), db, uri.getQuery(), user,
                    password);
        }

        String r2dbc() {
            return "r2dbc:postgresql://" + host + ":" + port + "/" + database + (query == null ? "" : "?" + query);
        }

        String jdbc() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database + (query == null ? "" : "?" + query);
        }
    }
}
