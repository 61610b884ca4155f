package city.onestop.platform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Lua scripts for Redis whose SHA-1 is computed once. Spring Data Redis's {@code RedisScript.of} returns a
 * {@code DefaultRedisScript}, whose {@code getSha1()} takes a lock on every call (the script source could change):
 * under load an event-loop thread parked on it (BlockHound: {@code Unsafe#park} in {@code DefaultRedisScript.getSha1},
 * seen under the rate limiter at 500 concurrent requests). Our scripts are constants: nothing to lock.
 */
public final class LuaScripts {

    private LuaScripts() {}

    public static <T> RedisScript<T> of(String script, Class<T> resultType) {
        return new Fixed<>(script, sha1(script), resultType);
    }

    private record Fixed<T>(String script, String sha1, Class<T> resultType) implements RedisScript<T> {

        @Override
        public String getSha1() {
            return sha1;
        }

        @Override
        public Class<T> getResultType() {
            return resultType;
        }

        @Override
        public String getScriptAsString() {
            return script;
        }
    }

    static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }
}
