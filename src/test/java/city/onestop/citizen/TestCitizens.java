package city.onestop.citizen;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Fresh, valid test identities (each test creates its own, so tests never share data) and the HTTP steps to use them. */
public final class TestCitizens {

    private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};

    private TestCitizens() {}

    public static String randomPhone() {
        return "19" + String.format("%09d", ThreadLocalRandom.current().nextInt(1_000_000_000));
    }

    /** A random resident ID number with its check character computed here, independently of the production code. */
    public static String randomIdNumber() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String first17 = "440106" + (1950 + r.nextInt(55)) + String.format("%02d%02d", 1 + r.nextInt(12), 1 + r.nextInt(28))
                + String.format("%03d", r.nextInt(1000));
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += (first17.charAt(i) - '0') * WEIGHTS[i];
        }
        // (12 - sum mod 11) mod 11, with 10 written X: the textbook form of ISO 7064 MOD 11-2.
        int check = (12 - sum % 11) % 11;
        return first17 + (check == 10 ? "X" : Integer.toString(check));
    }

    public record Registered(String id, String phone, String password, String idNumber) {}

    public static Registered register(WebTestClient web) {
        String phone = randomPhone();
        String idNumber = randomIdNumber();
        String password = "pw-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        String id = web.post().uri("/api/v1/auth/register")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", phone, "password", password, "realName", "测试 市民", "idNumber", idNumber))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
        return new Registered(id, phone, password, idNumber);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> login(WebTestClient web, String phone, String password) {
        return web.post().uri("/api/v1/auth/login")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", phone, "password", password))
                .exchange()
                .expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    public static Duration timeout() {
        return Duration.ofSeconds(30);
    }
}
