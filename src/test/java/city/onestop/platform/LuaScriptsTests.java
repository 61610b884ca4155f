package city.onestop.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.script.RedisScript;

class LuaScriptsTests {

    @Test
    void theSha1IsTheOneRedisComputesForTheSameSource() {
        // SHA-1 of "return 1", as `redis-cli SCRIPT LOAD "return 1"` answers (and `printf 'return 1' | sha1sum`).
        RedisScript<Long> script = LuaScripts.of("return 1", Long.class);
        assertThat(script.getSha1()).isEqualTo("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
        assertThat(script.getScriptAsString()).isEqualTo("return 1");
        assertThat(script.getResultType()).isEqualTo(Long.class);
    }
}
